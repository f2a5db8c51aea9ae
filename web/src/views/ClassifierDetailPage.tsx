import { Button, Code, Group, Loader, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import type { Classifier } from '../api/types';
import { DraftEditor } from '../components/DraftEditor';
import { LoadFailure } from '../components/LoadFailure';
import { PublishPanel } from '../components/PublishPanel';
import { TryIt } from '../components/TryIt';
import { VersionHistory } from '../components/VersionHistory';
import { Link, navigate, useLocation } from '../lib/router';
import { useApi } from '../lib/session';

/** `/classifiers/cl_...`: edit the draft, publish it, see its versions, try it on a file. */
export function ClassifierDetailPage({ classifierId }: { classifierId: string }) {
  const api = useApi();
  const { search } = useLocation();
  const tab = search.get('tab') === 'versions' ? 'versions' : 'draft';
  const [classifier, setClassifier] = useState<Classifier | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);
  const [dirty, setDirty] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);

  useEffect(() => {
    api
      .getClassifier(classifierId)
      .then((c) => {
        setClassifier(c);
        setName(c.name);
      })
      .catch((err) =>
        setError({ message: errorMessage(err), notFound: err instanceof ApiError && err.status === 404 }),
      );
  }, [api, classifierId]);

  const onDirtyChange = useCallback((d: boolean) => setDirty(d), []);

  if (error) {
    return (
      <LoadFailure
        error={error}
        notFoundTitle="Classifier not found"
        failedTitle="Could not load the classifier"
        back={{ to: '/classifiers', label: 'Back to classifiers' }}
      />
    );
  }
  if (!classifier) return <Loader aria-label="Loading the classifier" />;

  const rename = async () => {
    setNameError(null);
    try {
      const c = await api.updateClassifier(classifier.id, { name });
      setClassifier(c);
    } catch (err) {
      setNameError(errorMessage(err));
    }
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="end">
        <Stack gap={0}>
          <Group gap="xs">
            <Link to="/classifiers" size="sm">
              Classifiers
            </Link>
            <Text size="sm" c="dimmed">
              /
            </Text>
            <Title order={2} size="h3">
              {classifier.name}
            </Title>
          </Group>
          <Text size="xs" c="dimmed">
            <Code>{classifier.id}</Code> ·{' '}
            <Link to={`/runs?classifier=${classifier.id}`} size="xs">
              its runs
            </Link>
          </Text>
        </Stack>
        <Group align="end" gap="xs">
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            size="xs"
            w={220}
          />
          <Button
            size="xs"
            variant="default"
            disabled={name === classifier.name}
            onClick={() => void rename()}
          >
            Rename
          </Button>
        </Group>
      </Group>
      <Tabs
        value={tab}
        onChange={(v) =>
          navigate(`/classifiers/${classifier.id}${v === 'versions' ? '?tab=versions' : ''}`, {
            replace: true,
          })
        }
        keepMounted
      >
        <Tabs.List>
          <Tabs.Tab value="draft">Draft</Tabs.Tab>
          <Tabs.Tab value="versions">Versions</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="draft" pt="sm">
          <Stack gap="sm">
            <DraftEditor
              key={classifier.draftVersion.id}
              classifier={classifier}
              onSaved={(c) => {
                setClassifier(c);
                setRefresh((n) => n + 1);
              }}
              onDirtyChange={onDirtyChange}
            />
            <SimpleGrid cols={2} spacing="sm">
              <PublishPanel
                classifierId={classifier.id}
                draftDirty={dirty}
                onPublished={() => setRefresh((n) => n + 1)}
              />
              <TryIt classifierId={classifier.id} draftDirty={dirty} />
            </SimpleGrid>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="versions" pt="sm">
          <VersionHistory classifierId={classifier.id} refresh={refresh} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
