import { useEffect, useState } from 'react';
import { matchPath, navigate, useLocation } from './lib/router';
import { ApiProvider, clearKey, storedKey, storeKey } from './lib/session';
import { ClassifierDetailPage } from './views/ClassifierDetailPage';
import { ClassifiersPage } from './views/ClassifiersPage';
import { Layout } from './views/Layout';
import { NotFoundPage, PlannedPage } from './views/PlaceholderPages';
import { ReviewQueuePage } from './views/ReviewQueuePage';
import { RunDetailPage } from './views/RunDetailPage';
import { RunsPage } from './views/RunsPage';
import { SignInPage } from './views/SignInPage';

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(() => storedKey());
  if (!apiKey) {
    return (
      <SignInPage
        onSignedIn={(key) => {
          storeKey(key);
          setApiKey(key);
        }}
      />
    );
  }
  const signOut = () => {
    clearKey();
    setApiKey(null);
  };
  return (
    <ApiProvider apiKey={apiKey}>
      <Layout onSignOut={signOut}>
        <Routes onUnauthorized={signOut} />
      </Layout>
    </ApiProvider>
  );
}

function Routes({ onUnauthorized }: { onUnauthorized: () => void }) {
  const { pathname } = useLocation();
  useEffect(() => {
    if (pathname === '/') navigate('/runs', { replace: true });
  }, [pathname]);
  if (pathname === '/') return null;
  if (pathname === '/runs' || pathname === '/runs/') return <RunsPage />;
  const run = matchPath('/runs/:id', pathname);
  if (run?.id) return <RunDetailPage key={run.id} runId={run.id} onUnauthorized={onUnauthorized} />;
  if (pathname === '/review') return <ReviewQueuePage />;
  if (pathname === '/classifiers') return <ClassifiersPage />;
  const classifier = matchPath('/classifiers/:id', pathname);
  if (classifier?.id) return <ClassifierDetailPage key={classifier.id} classifierId={classifier.id} />;
  if (pathname.startsWith('/evaluation')) return <PlannedPage what="evaluation" />;
  if (pathname.startsWith('/webhooks')) return <PlannedPage what="webhooks" />;
  if (pathname.startsWith('/usage')) return <PlannedPage what="usage" />;
  return <NotFoundPage />;
}
