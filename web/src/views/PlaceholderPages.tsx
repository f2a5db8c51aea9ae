import { Button, Code, EmptyState } from '@mantine/core';
import { navigate } from '../lib/router';

export function NotFoundPage() {
  return (
    <EmptyState
      title="No such page"
      description={
        <>
          The dashboard has no page at <Code>{window.location.pathname}</Code>.
        </>
      }
    >
      <Button onClick={() => navigate('/runs')}>Go to runs</Button>
    </EmptyState>
  );
}
