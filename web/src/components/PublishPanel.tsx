import { Alert, Button, Group, Paper, SegmentedControl, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifierVersion } from '../api/types';
import { useApi } from '../lib/session';

/** POST /classifiers/{id}/versions: freezes the saved draft as the next minor or major version. */
export function PublishPanel({
  classifierId,
  draftDirty,
  onPublished,
}: {
  classifierId: string;
  draftDirty: boolean;
  onPublished: (v: ClassifierVersion) => void;
}) {
  const api = useApi();
  const [releaseType, setReleaseType] = useState<'minor' | 'major'>('minor');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [published, setPublished] = useState<string | null>(null);

  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      const v = await api.publishVersion(classifierId, {
        releaseType,
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      setPublished(v.version);
      setDescription('');
      onPublished(v);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="sm" component="section" aria-label="Publish">
      <Title order={3} size="h5" mb="xs">
        Publish the draft
      </Title>
      <Group align="end" gap="sm">
        <SegmentedControl
          aria-label="Release type"
          data={[
            { value: 'minor', label: 'Minor' },
            { value: 'major', label: 'Major' },
          ]}
          value={releaseType}
          onChange={(v) => setReleaseType(v as 'minor' | 'major')}
        />
        <TextInput
          label="Version description"
          placeholder="What changed"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          flex={1}
        />
        <Button onClick={() => void publish()} loading={busy} disabled={draftDirty}>
          Publish
        </Button>
      </Group>
      {draftDirty && (
        <Text size="xs" c="dimmed" mt={4}>
          Save the draft first: publishing freezes the saved draft.
        </Text>
      )}
      {published && (
        <Text size="sm" c="teal" mt={4} role="status">
          Published version {published}. Runs that ask for “latest” use it from now on.
        </Text>
      )}
      {error && (
        <Alert color="red" mt="xs" title="Not published" role="alert">
          {error}
        </Alert>
      )}
    </Paper>
  );
}
