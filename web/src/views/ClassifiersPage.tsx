import {
  Alert,
  Button,
  Code,
  EmptyState,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifierSummary, ClassifyConfig } from '../api/types';
import { formatTime } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { useApi } from '../lib/session';

/** A starting point a new user can edit: two example classes and the required `other`. */
const STARTER_CONFIG: ClassifyConfig = {
  classifications: [
    {
      id: 'invoice',
      type: 'invoice',
      description: 'A bill from a supplier listing items, amounts and a total due.',
    },
    {
      id: 'letter',
      type: 'letter',
      description: 'A letter addressed to a person, with a greeting and a signature.',
    },
    { id: 'other', type: 'other', description: 'Anything else.' },
  ],
};

export function ClassifiersPage() {
  const api = useApi();
  const [list, setList] = useState<ClassifierSummary[] | null>(null);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [createError, setCreateError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .listClassifiers({ maxPageSize: 50 })
      .then((l) => {
        setList(l.data);
        setNext(l.nextPageToken);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [api]);

  const more = async () => {
    if (!next) return;
    try {
      const l = await api.listClassifiers({ maxPageSize: 50, nextPageToken: next });
      setList((prev) => [...(prev ?? []), ...l.data]);
      setNext(l.nextPageToken);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setCreateError(null);
    try {
      const c = await api.createClassifier({ name: name.trim(), config: STARTER_CONFIG });
      navigate(`/classifiers/${c.id}`);
    } catch (err) {
      setCreateError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack>
      <Title order={2}>Classifiers</Title>
      <Paper withBorder p="sm" component="form" onSubmit={create} aria-label="Create a classifier">
        <Group align="end">
          <TextInput
            label="New classifier"
            placeholder="e.g. Accounts payable"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={createError}
            w={320}
          />
          <Button type="submit" loading={busy}>
            Create
          </Button>
          <Text size="sm" c="dimmed" maw={480}>
            It starts with example classes (invoice, letter, other) in its draft; edit them on the next page.
          </Text>
        </Group>
      </Paper>
      {error && (
        <Alert color="red" title="Could not load classifiers" role="alert">
          {error}
        </Alert>
      )}
      {!list && !error && <Loader aria-label="Loading classifiers" />}
      {list?.length === 0 && (
        <EmptyState
          title="No classifiers yet"
          description={
            <>
              A classifier is a list of document classes, each with a description of what belongs in it. Name
              one above, or create it with <Code>POST /classifiers</Code>.
            </>
          }
        />
      )}
      {list && list.length > 0 && (
        <Table highlightOnHover aria-label="Classifiers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Id</Table.Th>
              <Table.Th>Updated</Table.Th>
              <Table.Th>Runs</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Link to={`/classifiers/${c.id}`}>{c.name}</Link>
                </Table.Td>
                <Table.Td>
                  <Code>{c.id}</Code>
                </Table.Td>
                <Table.Td>{formatTime(c.updatedAt)}</Table.Td>
                <Table.Td>
                  <Link to={`/runs?classifier=${encodeURIComponent(c.id)}`} size="sm">
                    runs
                  </Link>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {next && (
        <Button variant="default" onClick={() => void more()}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
