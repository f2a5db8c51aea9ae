import { Alert, Button, Group, Paper, Select, Text } from '@mantine/core';
import { type DragEvent, useId, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifierSummary, ClassifyRun } from '../api/types';
import { Link } from '../lib/router';
import { useApi } from '../lib/session';

/** Upload a file (POST /files/upload) and start a classify run on it (POST /classify_runs). */
export function UploadPanel({
  classifiers,
  onStarted,
}: {
  classifiers: ClassifierSummary[];
  onStarted: (run: ClassifyRun) => void;
}) {
  const api = useApi();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [classifierId, setClassifierId] = useState<string | null>(null);
  const [version, setVersion] = useState<string>('latest');
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<ClassifyRun[]>([]);
  const chosen = classifierId ?? classifiers[0]?.id ?? null;

  const send = async (files: FileList | File[]) => {
    if (!chosen) {
      setError('Create a classifier first: runs classify a file with one.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const runs: ClassifyRun[] = [];
      for (const f of Array.from(files)) {
        const file = await api.uploadFile(f);
        const run = await api.createRun({ classifier: { id: chosen, version }, file: { id: file.id } });
        runs.push(run);
        onStarted(run);
      }
      setStarted((prev) => [...runs, ...prev].slice(0, 3));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) void send(e.dataTransfer.files);
  };

  return (
    <Paper
      withBorder
      p="sm"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      bg={dragging ? 'indigo.0' : undefined}
      aria-label="Classify a document"
      component="section"
    >
      <Group align="end" gap="sm">
        <Select
          label="Classifier"
          data={classifiers.map((c) => ({ value: c.id, label: c.name }))}
          value={chosen}
          onChange={setClassifierId}
          allowDeselect={false}
          w={220}
          placeholder="No classifiers yet"
        />
        <Select
          label="Version"
          data={[
            { value: 'latest', label: 'Latest (or draft)' },
            { value: 'draft', label: 'Draft' },
          ]}
          value={version}
          onChange={(v) => setVersion(v ?? 'latest')}
          allowDeselect={false}
          w={170}
        />
        <input
          ref={input}
          id={inputId}
          type="file"
          multiple
          hidden
          aria-label="Document to classify"
          onChange={(e) => e.currentTarget.files && void send(e.currentTarget.files)}
        />
        <Button onClick={() => input.current?.click()} loading={busy} disabled={!chosen}>
          Upload and classify…
        </Button>
        <Text size="sm" c="dimmed" mb={8}>
          or drop files here
        </Text>
      </Group>
      {error && (
        <Alert color="red" mt="sm" role="alert" title="Upload failed">
          {error}
        </Alert>
      )}
      {started.length > 0 && (
        <Text size="sm" mt="xs">
          Started:{' '}
          {started.map((r, i) => (
            <span key={r.id}>
              {i > 0 && ', '}
              <Link to={`/runs/${r.id}`}>{r.file?.name ?? r.id}</Link>
            </span>
          ))}
        </Text>
      )}
    </Paper>
  );
}
