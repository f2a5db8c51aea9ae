import { Alert, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { type DragEvent, useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import type { EvaluationSetItem } from '../../api/evaluation-types';
import type { Classification } from '../../api/types';
import { useApi } from '../../lib/session';

export const classificationLabel = (c: Classification) => (c.id === c.type ? c.type : `${c.type} (${c.id})`);

/**
 * Upload labelled files into a set: each file goes up with POST /files/upload, then one
 * POST /evaluation_sets/{id}/items adds them all with the chosen expected classification.
 */
export function AddItemsPanel({
  setId,
  classifications,
  onAdded,
}: {
  setId: string;
  classifications: Classification[];
  onAdded: (items: EvaluationSetItem[]) => void;
}) {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [label, setLabel] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const chosen = classifications.find((c) => c.id === label) ?? null;

  const send = async (files: File[]) => {
    if (!chosen) {
      setError('Choose the expected classification of these files first.');
      return;
    }
    setError(null);
    setAdded(null);
    try {
      const ids: string[] = [];
      for (const [i, f] of files.entries()) {
        setBusy(`Uploading ${f.name} (${i + 1} of ${files.length})…`);
        ids.push((await api.uploadFile(f)).id);
      }
      setBusy('Adding the items…');
      const res = await api.createEvaluationSetItems(
        setId,
        ids.map((fileId) => ({ fileId, expectedOutput: { id: chosen.id, type: chosen.type } })),
      );
      setAdded(
        `Added ${res.evaluationSetItems.length} ${res.evaluationSetItems.length === 1 ? 'item' : 'items'} labelled ${chosen.type}.`,
      );
      onAdded(res.evaluationSetItems);
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
    if (e.dataTransfer.files.length) void send(Array.from(e.dataTransfer.files));
  };

  return (
    <Paper
      withBorder
      p="sm"
      component="section"
      aria-label="Add items"
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
          Add labelled files
        </Title>
        <Group align="end" gap="sm">
          <Select
            label="Expected classification"
            placeholder="Choose a class"
            data={classifications.map((c) => ({ value: c.id, label: classificationLabel(c) }))}
            value={label}
            onChange={setLabel}
            w={220}
          />
          <input
            ref={input}
            type="file"
            multiple
            hidden
            aria-label="Labelled files to add"
            onChange={(e) => e.currentTarget.files && void send(Array.from(e.currentTarget.files))}
          />
          <Button
            variant="default"
            onClick={() =>
              chosen ? input.current?.click() : setError('Choose the expected classification first.')
            }
            loading={busy !== null}
          >
            Upload files…
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Or drop files here. Every file gets the class chosen above; change one later in the list below. The
          classes are those of the classifier's draft.
        </Text>
        {busy && (
          <Text size="sm" aria-live="polite">
            {busy}
          </Text>
        )}
        {added && (
          <Text size="sm" c="teal.8" role="status">
            {added}
          </Text>
        )}
        {error && (
          <Alert color="red" role="alert" title="Could not add the files">
            {error}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
