import { Alert, Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { type DragEvent, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifyRun } from '../api/types';
import { percent } from '../lib/format';
import { Link } from '../lib/router';
import { useApi } from '../lib/session';

/** Drop a file: POST /files/upload, then POST /classify against the saved draft, and show the answer. */
export function TryIt({ classifierId, draftDirty }: { classifierId: string; draftDirty: boolean }) {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [result, setResult] = useState<ClassifyRun | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (file: File) => {
    setError(null);
    setResult(null);
    try {
      setBusy(`Uploading ${file.name}…`);
      const uploaded = await api.uploadFile(file);
      setBusy(`Classifying ${file.name}…`);
      setResult(
        await api.classifySync({
          classifier: { id: classifierId, version: 'draft' },
          file: { id: uploaded.id },
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
      if (input.current) input.current.value = '';
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void run(f);
  };

  return (
    <Paper
      withBorder
      p="sm"
      component="section"
      aria-label="Try it"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      bg={dragging ? 'indigo.0' : undefined}
    >
      <Stack gap="xs">
        <Title order={3} size="h5">
          Try the draft
        </Title>
        <Text size="sm" c="dimmed">
          Drop a document here, or choose one: it is uploaded and classified with the saved draft
          {draftDirty ? ' (your unsaved edits are not used)' : ''}.
        </Text>
        <Group>
          <input
            ref={input}
            type="file"
            hidden
            aria-label="Document to try"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              if (f) void run(f);
            }}
          />
          <Button variant="light" onClick={() => input.current?.click()} loading={busy !== null}>
            Choose a file…
          </Button>
          {busy && <Text size="sm">{busy}</Text>}
        </Group>
        {error && (
          <Alert color="red" title="Could not classify" role="alert">
            {error}
          </Alert>
        )}
        {result && (
          <Stack gap={4} data-testid="try-result">
            {result.status === 'PROCESSED' && result.output ? (
              <>
                <Group gap="xs">
                  <Text fw={700}>{result.output.type}</Text>
                  <Progress value={result.output.confidence * 100} w={120} aria-label="confidence" />
                  <Text size="sm">{percent(result.output.confidence)}</Text>
                </Group>
                {result.output.insights.map((i) => (
                  <Text size="sm" key={i.content} style={{ whiteSpace: 'pre-wrap' }}>
                    {i.content}
                  </Text>
                ))}
              </>
            ) : (
              <Alert color="red" title={result.failureReason ?? result.status}>
                {result.failureMessage}
              </Alert>
            )}
            <Link to={`/runs/${result.id}`} size="sm">
              Open the run
            </Link>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
