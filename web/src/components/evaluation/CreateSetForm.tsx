import { Button, Group, Paper, Select, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/client';
import type { EvaluationSet } from '../../api/evaluation-types';
import type { ClassifierSummary } from '../../api/types';
import { useApi } from '../../lib/session';

/** POST /evaluation_sets: a name, an optional description, and the classifier the set scores. */
export function CreateSetForm({
  classifiers,
  defaultClassifierId,
  onCreated,
}: {
  classifiers: ClassifierSummary[];
  defaultClassifierId: string | null;
  onCreated: (set: EvaluationSet) => void;
}) {
  const api = useApi();
  const [classifierId, setClassifierId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = classifierId ?? defaultClassifierId ?? classifiers[0]?.id ?? null;

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const set = await api.createEvaluationSet({
        name: name.trim(),
        entityId: chosen,
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      onCreated(set);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="sm" component="form" onSubmit={create} aria-label="Create an evaluation set">
      <Group align="start" gap="sm">
        <Select
          label="Classifier"
          data={classifiers.map((c) => ({ value: c.id, label: c.name }))}
          value={chosen}
          onChange={setClassifierId}
          allowDeselect={false}
          searchable
          w={220}
        />
        <TextInput
          label="New set name"
          placeholder="e.g. Holdout, March mail"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={error}
          required
          w={260}
        />
        <TextInput
          label="Description"
          placeholder="optional: where the documents come from"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          style={{ flex: 1 }}
          miw={200}
        />
        <Button type="submit" loading={busy} mt={25}>
          Create set
        </Button>
      </Group>
    </Paper>
  );
}
