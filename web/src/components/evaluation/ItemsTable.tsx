import { Alert, Anchor, Button, Code, Select, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import type { EvaluationSetItem } from '../../api/evaluation-types';
import type { Classification } from '../../api/types';
import { useApi } from '../../lib/session';
import { classificationLabel } from './AddItemsPanel';

/** The items of a set: the file (opens the original), its expected class (change it in place), remove. */
export function ItemsTable({
  setId,
  items,
  classifications,
  onChanged,
  onRemoved,
}: {
  setId: string;
  items: EvaluationSetItem[];
  classifications: Classification[];
  onChanged: (item: EvaluationSetItem) => void;
  onRemoved: (itemId: string) => void;
}) {
  const api = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const known = new Set(classifications.map((c) => c.id));

  const relabel = async (item: EvaluationSetItem, id: string | null) => {
    const c = classifications.find((x) => x.id === id);
    if (!c || c.id === item.expectedOutput.id) return;
    setBusy(item.id);
    setError(null);
    try {
      onChanged(await api.updateEvaluationSetItem(setId, item.id, { id: c.id, type: c.type }));
    } catch (err) {
      setError(`Could not change the label of ${item.file?.name ?? item.id}: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (item: EvaluationSetItem) => {
    setBusy(item.id);
    setError(null);
    try {
      await api.deleteEvaluationSetItem(setId, item.id);
      onRemoved(item.id);
    } catch (err) {
      setError(`Could not remove ${item.file?.name ?? item.id}: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  };

  // There is no file page in the dashboard: the name opens the original through a fresh presigned link.
  const openFile = async (fileId: string) => {
    setError(null);
    try {
      const file = await api.getFile(fileId);
      if (file.presignedUrl) window.open(file.presignedUrl, '_blank', 'noopener,noreferrer');
      else setError(`${file.name} has no downloadable content.`);
    } catch (err) {
      setError(`Could not open the file: ${errorMessage(err)}`);
    }
  };

  return (
    <>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Table aria-label="Items" verticalSpacing={4} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>File</Table.Th>
            <Table.Th w={260}>Expected classification</Table.Th>
            <Table.Th w={110} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => {
            const name = item.file?.name ?? '(deleted file)';
            const options = classifications.map((c) => ({ value: c.id, label: classificationLabel(c) }));
            // A label the draft no longer has stays visible, so the item can be moved to a current class.
            if (!known.has(item.expectedOutput.id)) {
              options.unshift({
                value: item.expectedOutput.id,
                label: `${item.expectedOutput.type} (not in the draft)`,
              });
            }
            return (
              <Table.Tr key={item.id} data-item-id={item.id}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  {item.file ? (
                    <Anchor
                      component="button"
                      type="button"
                      size="sm"
                      onClick={() => item.file && void openFile(item.file.id)}
                      title="Open the original file in a new tab"
                    >
                      {name}
                    </Anchor>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {name}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    <Code fz="xs">{item.id}</Code>
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Expected classification of ${name}`}
                    data={options}
                    value={item.expectedOutput.id}
                    onChange={(v) => void relabel(item, v)}
                    allowDeselect={false}
                    disabled={busy === item.id}
                    size="xs"
                  />
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    variant="subtle"
                    color="red"
                    size="xs"
                    aria-label={`Remove ${name}`}
                    onClick={() => void remove(item)}
                    loading={busy === item.id}
                  >
                    Remove
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </>
  );
}
