import { Alert, Badge, Code, Group, Loader, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifierVersion, VersionSummary } from '../api/types';
import { type Change, diffClassifications, otherSettings } from '../lib/config-diff';
import { formatTime } from '../lib/format';
import { sameJson } from '../lib/same-json';
import { useApi } from '../lib/session';

const CHANGE_COLOR: Record<Change, string> = {
  added: 'green',
  removed: 'red',
  changed: 'yellow',
  same: 'gray',
};

/** The versions of a classifier (draft first) and a side-by-side diff of any two. */
export function VersionHistory({ classifierId, refresh }: { classifierId: string; refresh: number }) {
  const api = useApi();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [leftId, setLeftId] = useState<string | null>(null);
  const [rightId, setRightId] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` asks for a reload after a publish or save
  useEffect(() => {
    api
      .listVersions(classifierId, { maxPageSize: 100 })
      .then((l) => {
        setVersions(l.data);
        // Default comparison: the newest published version against the draft.
        const draft = l.data.find((v) => v.version === 'draft');
        const latest = l.data.find((v) => v.version !== 'draft');
        setRightId(draft?.id ?? null);
        setLeftId(latest?.id ?? null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [api, classifierId, refresh]);

  if (error) {
    return (
      <Alert color="red" title="Could not load versions" role="alert">
        {error}
      </Alert>
    );
  }
  if (!versions) return <Loader size="sm" aria-label="Loading versions" />;
  const options = versions.map((v) => ({
    value: v.id,
    label: v.version === 'draft' ? 'draft' : `v${v.version}`,
  }));

  return (
    <Stack gap="sm">
      <Table aria-label="Versions" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Id</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v) => (
            <Table.Tr key={v.id}>
              <Table.Td>
                {v.version === 'draft' ? <Badge variant="light">draft</Badge> : <b>{v.version}</b>}
              </Table.Td>
              <Table.Td>{v.description ?? <Text c="dimmed">—</Text>}</Table.Td>
              <Table.Td>{formatTime(v.createdAt)}</Table.Td>
              <Table.Td>
                <Code>{v.id}</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {versions.length < 2 ? (
        <Text size="sm" c="dimmed">
          Publish a version to compare it with the draft.
        </Text>
      ) : (
        <Paper withBorder p="sm" component="section" aria-label="Compare versions">
          <Group align="end" mb="sm">
            <Title order={3} size="h5">
              Compare
            </Title>
            <Select label="Left" data={options} value={leftId} onChange={setLeftId} w={140} size="xs" />
            <Select label="Right" data={options} value={rightId} onChange={setRightId} w={140} size="xs" />
          </Group>
          {leftId && rightId && <VersionDiff classifierId={classifierId} leftId={leftId} rightId={rightId} />}
        </Paper>
      )}
    </Stack>
  );
}

function VersionDiff({
  classifierId,
  leftId,
  rightId,
}: {
  classifierId: string;
  leftId: string;
  rightId: string;
}) {
  const api = useApi();
  const [pair, setPair] = useState<[ClassifierVersion, ClassifierVersion] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setPair(null);
    Promise.all([api.getVersion(classifierId, leftId), api.getVersion(classifierId, rightId)])
      .then(setPair)
      .catch((err) => setError(errorMessage(err)));
  }, [api, classifierId, leftId, rightId]);

  if (error) return <Alert color="red">{error}</Alert>;
  if (!pair) return <Loader size="sm" />;
  const [left, right] = pair;
  const rows = diffClassifications(left.config, right.config);
  const leftOther = otherSettings(left.config);
  const rightOther = otherSettings(right.config);
  const cell = (c: { type: string; description: string } | null) =>
    c ? (
      <>
        <Text size="sm" fw={600}>
          {c.type}
        </Text>
        <Text size="xs">{c.description}</Text>
      </>
    ) : (
      <Text c="dimmed">—</Text>
    );

  return (
    <Stack gap="xs">
      <Table aria-label="Version differences" layout="fixed" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={150}>Classification</Table.Th>
            <Table.Th>{left.version === 'draft' ? 'draft' : `v${left.version}`}</Table.Th>
            <Table.Th>{right.version === 'draft' ? 'draft' : `v${right.version}`}</Table.Th>
            <Table.Th w={100}>Change</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                <Code>{r.id}</Code>
              </Table.Td>
              <Table.Td bg={r.change === 'removed' || r.change === 'changed' ? 'red.0' : undefined}>
                {cell(r.left)}
              </Table.Td>
              <Table.Td bg={r.change === 'added' || r.change === 'changed' ? 'green.0' : undefined}>
                {cell(r.right)}
              </Table.Td>
              <Table.Td>
                <Badge color={CHANGE_COLOR[r.change]} variant="light" size="sm">
                  {r.change}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group grow align="start">
        <Stack gap={2}>
          <Text size="xs" fw={600} c="dimmed">
            Rules and options, left
          </Text>
          <Code block>{JSON.stringify(leftOther, null, 2)}</Code>
        </Stack>
        <Stack gap={2}>
          <Text size="xs" fw={600} c="dimmed">
            Rules and options, right {sameJson(leftOther, rightOther) ? '(same)' : '(different)'}
          </Text>
          <Code block>{JSON.stringify(rightOther, null, 2)}</Code>
        </Stack>
      </Group>
    </Stack>
  );
}
