import { Alert, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import type { EvaluationSetRun } from '../../api/evaluation-types';
import type { VersionSummary } from '../../api/types';
import { useApi } from '../../lib/session';

/** POST /evaluation_set_runs at the draft or a published version of the set's classifier. */
export function RunEvaluationPanel({
  setId,
  classifierId,
  itemCount,
  onStarted,
}: {
  setId: string;
  classifierId: string;
  /** Items loaded so far; 0 means the set is empty and cannot be run. */
  itemCount: number;
  onStarted: (run: EvaluationSetRun) => void;
}) {
  const api = useApi();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [version, setVersion] = useState('draft');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .listVersions(classifierId, { maxPageSize: 100 })
      .then((l) => setVersions(l.data))
      .catch((err) => setError(errorMessage(err)));
  }, [api, classifierId]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      onStarted(
        await api.createEvaluationRun({ evaluationSetId: setId, entity: { id: classifierId, version } }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const options = (versions ?? [{ version: 'draft', description: null } as VersionSummary]).map((v) => ({
    value: v.version,
    label:
      v.version === 'draft'
        ? 'Draft (unpublished edits)'
        : `v${v.version}${v.description ? ` — ${v.description}` : ''}`,
  }));

  return (
    <Paper withBorder p="sm" component="section" aria-label="Run evaluation">
      <Stack gap="xs">
        <Title order={3} size="h5">
          Score the classifier
        </Title>
        <Group align="end" gap="sm">
          <Select
            label="Version"
            data={options}
            value={version}
            onChange={(v) => setVersion(v ?? 'draft')}
            allowDeselect={false}
            w={260}
          />
          <Button onClick={() => void start()} loading={busy} disabled={itemCount === 0}>
            Run evaluation
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {itemCount === 0
            ? 'Add labelled files first: an empty set has nothing to score.'
            : 'Classifies every file of the set with this version and compares each answer with its label. The set itself is left out of what the classifier learns from.'}
        </Text>
        {error && (
          <Alert color="red" role="alert" title="Could not start the evaluation">
            {error}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
