import { Button, Code, EmptyState, Stack, Title } from '@mantine/core';
import { navigate } from '../lib/router';

const PLANNED: Record<'usage', { title: string; text: string }> = {
  // Issue 6 asks for these views; the server has no API for them yet. They are placeholders on purpose:
  // nothing here is invented data.
  usage: {
    title: 'Usage',
    text: 'Credits and runs per day, by classifier, will appear here. Until then each run shows its credits in usage.credits.',
  },
};

export function PlannedPage({ what }: { what: keyof typeof PLANNED }) {
  const p = PLANNED[what];
  return (
    <Stack>
      <Title order={2}>{p.title}</Title>
      <EmptyState title="Not available yet" description={p.text} />
    </Stack>
  );
}

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
