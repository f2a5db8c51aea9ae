import { useEffect, useState } from 'react';
import { matchPath, navigate, useLocation } from './lib/router';
import { ApiProvider, clearKey, storedKey, storeKey } from './lib/session';
import { ClassifierDetailPage } from './views/ClassifierDetailPage';
import { ClassifiersPage } from './views/ClassifiersPage';
import { EvaluationComparePage } from './views/EvaluationComparePage';
import { EvaluationRunPage } from './views/EvaluationRunPage';
import { EvaluationSetPage } from './views/EvaluationSetPage';
import { EvaluationSetsPage } from './views/EvaluationSetsPage';
import { Layout } from './views/Layout';
import { NotFoundPage } from './views/PlaceholderPages';
import { ReviewQueuePage } from './views/ReviewQueuePage';
import { RunDetailPage } from './views/RunDetailPage';
import { RunsPage } from './views/RunsPage';
import { SignInPage } from './views/SignInPage';
import { UsagePage } from './views/UsagePage';
import { WebhookEndpointPage } from './views/WebhookEndpointPage';
import { WebhooksPage } from './views/WebhooksPage';

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
  const { pathname, search } = useLocation();
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
  if (pathname === '/evaluation' || pathname === '/evaluation/') return <EvaluationSetsPage />;
  if (matchPath('/evaluation/compare', pathname)) {
    return <EvaluationComparePage a={search.get('a')} b={search.get('b')} />;
  }
  const evaluationRun = matchPath('/evaluation/runs/:id', pathname);
  if (evaluationRun?.id) return <EvaluationRunPage key={evaluationRun.id} runId={evaluationRun.id} />;
  const evaluationSet = matchPath('/evaluation/:id', pathname);
  if (evaluationSet?.id) return <EvaluationSetPage key={evaluationSet.id} setId={evaluationSet.id} />;
  if (pathname === '/webhooks' || pathname === '/webhooks/') return <WebhooksPage />;
  const endpoint =
    matchPath('/webhooks/:id/deliveries/:deliveryId', pathname) ?? matchPath('/webhooks/:id', pathname);
  if (endpoint?.id) {
    // Keyed by endpoint only: opening a delivery keeps the page (and its list) under the drawer.
    return (
      <WebhookEndpointPage
        key={endpoint.id}
        endpointId={endpoint.id}
        deliveryId={endpoint.deliveryId ?? null}
      />
    );
  }
  if (pathname === '/usage' || pathname === '/usage/') return <UsagePage />;
  return <NotFoundPage />;
}
