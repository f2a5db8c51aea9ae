import { Alert, Button, Center, Code, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { DocsortApi, errorMessage } from '../api/client';

/** Asks for an API key and checks it with GET /classifiers before keeping it for this tab. */
export function SignInPage({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Paste the API key that "npm start" printed (it is also in ./data/api-key).');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await new DocsortApi(trimmed).listClassifiers({ maxPageSize: 1 });
      onSignedIn(trimmed);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={440} component="form" onSubmit={submit}>
        <Stack>
          <Title order={1} size="h2">
            Docsort
          </Title>
          <Text c="dimmed" size="sm">
            Sign in with a workspace API key. <Code>npm start</Code> prints one on first start and keeps it in{' '}
            <Code>./data/api-key</Code>; <Code>npx docsort keys create</Code> makes another.
          </Text>
          <PasswordInput
            label="API key"
            placeholder="sk_..."
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            autoFocus
            autoComplete="off"
            error={error ? true : undefined}
          />
          {error && (
            <Alert color="red" title="Could not sign in" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            Sign in
          </Button>
          <Text c="dimmed" size="xs">
            The key is kept in this browser tab only (session storage) and sent to this server alone.
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
