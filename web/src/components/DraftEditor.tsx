import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import type { Classification, Classifier, ClassifyConfig } from '../api/types';
import { type FieldError, splitApiPath } from '../lib/config-errors';
import { sameJson } from '../lib/same-json';
import { useApi } from '../lib/session';

type Context = 'default' | 'max';
type Processor = NonNullable<ClassifyConfig['baseProcessor']>;

interface Form {
  classifications: Classification[];
  rules: string;
  baseProcessor: Processor | '';
  context: Context | '';
  pageRanges: string;
}

function toForm(c: ClassifyConfig): Form {
  return {
    classifications: c.classifications.map((x) => ({ ...x })),
    rules: c.classificationRules ?? '',
    baseProcessor: c.baseProcessor ?? '',
    context: c.advancedOptions?.context ?? '',
    pageRanges: (c.advancedOptions?.pageRanges ?? [])
      .map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`))
      .join(', '),
  };
}

/** `1-3, 5` → ranges; anything unreadable is passed on as NaN so the API's message names it. */
function parseRanges(text: string): { start: number; end: number }[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [a, b] = s.split('-').map((n) => Number(n.trim()));
      return { start: a ?? Number.NaN, end: b ?? a ?? Number.NaN };
    });
}

/** The config the form describes, keeping fields the form does not edit (parseConfig, baseVersion...). */
function toConfig(base: ClassifyConfig, f: Form): ClassifyConfig {
  const { classificationRules: _r, baseProcessor: _p, advancedOptions, ...rest } = base;
  const advanced = { ...(advancedOptions ?? {}) };
  delete advanced.context;
  delete advanced.pageRanges;
  if (f.context) advanced.context = f.context;
  const ranges = parseRanges(f.pageRanges);
  if (ranges.length) advanced.pageRanges = ranges;
  return {
    ...rest,
    classifications: f.classifications,
    ...(f.rules.trim() ? { classificationRules: f.rules } : {}),
    ...(f.baseProcessor ? { baseProcessor: f.baseProcessor } : {}),
    ...(Object.keys(advanced).length ? { advancedOptions: advanced } : {}),
  };
}

/** Edits the draft version's config; the API validates it and its messages are shown by the field. */
export function DraftEditor({
  classifier,
  onSaved,
  onDirtyChange,
}: {
  classifier: Classifier;
  onSaved: (c: Classifier) => void;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const api = useApi();
  const saved = classifier.draftVersion.config;
  const [form, setForm] = useState<Form>(() => toForm(saved));
  const [error, setError] = useState<FieldError | null>(null);
  const [busy, setBusy] = useState(false);
  const [justSaved, setJustSaved] = useState(false);
  const dirty = !sameJson(toConfig(saved, form), saved);

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const setRow = (i: number, patch: Partial<Classification>) => {
    setJustSaved(false);
    setForm((f) => ({
      ...f,
      classifications: f.classifications.map((c, j) => (j === i ? { ...c, ...patch } : c)),
    }));
  };
  const set = (patch: Partial<Form>) => {
    setJustSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const updated = await api.updateClassifier(classifier.id, { config: toConfig(saved, form) });
      setForm(toForm(updated.draftVersion.config));
      setJustSaved(true);
      onSaved(updated);
    } catch (err) {
      setError(
        err instanceof ApiError ? splitApiPath(err.message) : { message: errorMessage(err), path: '' },
      );
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (path: string) => (error?.path === path ? error.message : undefined);

  return (
    <Stack gap="sm" component="section" aria-label="Draft">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={3} size="h5">
            Draft
          </Title>
          {dirty ? (
            <Badge color="yellow" variant="light">
              unsaved changes
            </Badge>
          ) : (
            <Badge color="gray" variant="light">
              saved
            </Badge>
          )}
        </Group>
        <Group gap="xs">
          <Button
            variant="default"
            disabled={!dirty || busy}
            onClick={() => {
              setForm(toForm(saved));
              setError(null);
            }}
          >
            Discard
          </Button>
          <Button onClick={() => void save()} loading={busy} disabled={!dirty}>
            Save draft
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" title="The API refused the draft" role="alert">
          {error.message}
          {error.path ? ` (at ${error.path})` : ''}
        </Alert>
      )}
      {justSaved && !dirty && (
        <Text size="sm" c="teal" role="status">
          Draft saved.
        </Text>
      )}
      <Table aria-label="Classifications" verticalSpacing={4} layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={170}>Id</Table.Th>
            <Table.Th w={150}>Type</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th w={44}>
              <VisuallyHidden>Remove</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {form.classifications.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, ids change while typing
            <Table.Tr key={i}>
              <Table.Td>
                <TextInput
                  aria-label={`Classification ${i + 1} id`}
                  value={c.id}
                  onChange={(e) => setRow(i, { id: e.currentTarget.value })}
                  error={fieldError(`classifications.${i}.id`)}
                  size="xs"
                />
              </Table.Td>
              <Table.Td>
                <TextInput
                  aria-label={`Classification ${i + 1} type`}
                  value={c.type}
                  onChange={(e) => setRow(i, { type: e.currentTarget.value })}
                  error={fieldError(`classifications.${i}.type`)}
                  size="xs"
                />
              </Table.Td>
              <Table.Td>
                <Textarea
                  aria-label={`Classification ${i + 1} description`}
                  value={c.description}
                  onChange={(e) => setRow(i, { description: e.currentTarget.value })}
                  error={fieldError(`classifications.${i}.description`)}
                  autosize
                  minRows={1}
                  maxRows={4}
                  size="xs"
                />
              </Table.Td>
              <Table.Td>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove classification ${c.id || i + 1}`}
                  onClick={() => set({ classifications: form.classifications.filter((_, j) => j !== i) })}
                >
                  ×
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {fieldError('classifications') && (
        <Text size="sm" c="red">
          {fieldError('classifications')}
        </Text>
      )}
      <Group>
        <Button
          variant="light"
          size="xs"
          onClick={() =>
            set({ classifications: [...form.classifications, { id: '', type: '', description: '' }] })
          }
        >
          Add classification
        </Button>
        <Text size="xs" c="dimmed">
          Every config needs one classification of type <code>other</code>. The description is what the
          classifier reads: say what the document looks like and contains.
        </Text>
      </Group>
      <Textarea
        label="Classification rules"
        description="Free-text rules applied on top of the descriptions, e.g. “A document with a total due is an invoice even if it says letter.”"
        value={form.rules}
        onChange={(e) => set({ rules: e.currentTarget.value })}
        error={fieldError('classificationRules')}
        autosize
        minRows={2}
        maxRows={8}
      />
      <Group align="start">
        <Select
          label="Base processor"
          description="Accuracy or speed"
          data={[
            { value: '', label: 'Default (performance)' },
            { value: 'classification_performance', label: 'classification_performance' },
            { value: 'classification_light', label: 'classification_light' },
          ]}
          value={form.baseProcessor}
          onChange={(v) => set({ baseProcessor: (v ?? '') as Processor | '' })}
          allowDeselect={false}
          w={240}
        />
        <Select
          label="Context"
          description="How many pages are read"
          data={[
            { value: '', label: 'Default (first pages)' },
            { value: 'default', label: 'default' },
            { value: 'max', label: 'max (every page)' },
          ]}
          value={form.context}
          onChange={(v) => set({ context: (v ?? '') as Context | '' })}
          allowDeselect={false}
          w={200}
          error={fieldError('advancedOptions.context')}
        />
        <TextInput
          label="Page ranges"
          description="Pages to read, e.g. 1-3, 5 (empty: all)"
          value={form.pageRanges}
          onChange={(e) => set({ pageRanges: e.currentTarget.value })}
          error={error?.path.startsWith('advancedOptions.pageRanges') ? error.message : undefined}
          w={220}
        />
      </Group>
    </Stack>
  );
}
