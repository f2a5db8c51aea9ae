import {
  Alert,
  Badge,
  Button,
  Group,
  Kbd,
  Loader,
  Paper,
  Progress,
  ScrollArea,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifyRun } from '../api/types';
import { percent } from '../lib/format';
import { useApi } from '../lib/session';
import { ReviewBadges } from './RunBadges';
import { RunDeliveries } from './webhooks/RunDeliveries';

export interface ReviewNavigation {
  onPrev?: (() => void) | undefined;
  onNext?: (() => void) | undefined;
}

const TEXT_INPUT_TYPES = new Set([
  'text',
  'search',
  'email',
  'number',
  'password',
  'url',
  'tel',
  'date',
  'time',
]);

/** Keys typed into a text field are text, not shortcuts; a radio button (the zoom control) is no field. */
function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type);
  return target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}

/**
 * The run's answer and the reviewer's controls. Keys: 1-9 pick a class, Enter confirms the picked
 * class through POST /classify_runs/{id}/review, J/K go to the next/previous run.
 */
export function ClassificationPanel({
  run,
  onReviewed,
  nav,
}: {
  run: ClassifyRun;
  onReviewed: (run: ClassifyRun) => void;
  nav: ReviewNavigation;
}) {
  const api = useApi();
  const classes = run.config.classifications;
  const current = run.output?.id ?? null;
  const [picked, setPicked] = useState<string | null>(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const reviewable = run.status === 'PROCESSED';

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when another run is shown
  useEffect(() => {
    setPicked(run.output?.id ?? null);
    setError(null);
    setSaved(false);
  }, [run.id]);

  const confirm = async (id: string | null) => {
    if (!id || !reviewable || busy) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await api.reviewRun(run.id, id);
      setSaved(true);
      onReviewed(updated);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  // The handler reads the latest state through a ref, so the listener is installed once.
  const keys = useRef({ picked, confirm, nav, classes, reviewable });
  keys.current = { picked, confirm, nav, classes, reviewable };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || typingInField(e.target)) return;
      const k = keys.current;
      if (/^[1-9]$/.test(e.key) && k.reviewable) {
        const c = k.classes[Number(e.key) - 1];
        if (c) {
          e.preventDefault();
          setPicked(c.id);
        }
      } else if (e.key === 'Enter') {
        const el = e.target instanceof HTMLElement ? e.target : null;
        // Enter on another button or link keeps its own meaning; on a class option it confirms.
        if (el?.closest('button, a') && !el.closest('[data-class-option]')) return;
        e.preventDefault();
        void k.confirm(k.picked);
      } else if (e.key === 'j' || e.key === 'J') {
        k.nav.onNext?.();
      } else if (e.key === 'k' || e.key === 'K') {
        k.nav.onPrev?.();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <Paper withBorder p="sm" component="section" aria-label="Classification" w={330} miw={330}>
      <ScrollArea h="calc(100vh - 190px)" type="auto" offsetScrollbars>
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={3} size="h5">
              Classification
            </Title>
            <ReviewBadges reviewed={run.reviewed} edited={run.edited} />
          </Group>
          {run.status === 'FAILED' && (
            <Alert color="red" title={run.failureReason ?? 'Failed'} role="alert">
              {run.failureMessage ?? 'The run failed without a message.'}
            </Alert>
          )}
          {run.status === 'CANCELLED' && <Alert color="orange">This run was cancelled.</Alert>}
          {(run.status === 'PENDING' || run.status === 'PROCESSING') && (
            <Group gap="xs">
              <Loader size="xs" />
              <Text size="sm">The run is {run.status.toLowerCase()}; this page updates by itself.</Text>
            </Group>
          )}
          {run.output && (
            <Stack gap={4}>
              <Text size="xl" fw={700} data-testid="output-type">
                {run.output.type}
              </Text>
              <Group gap="xs" wrap="nowrap">
                <Progress
                  value={run.output.confidence * 100}
                  flex={1}
                  aria-label="confidence"
                  color={
                    run.output.confidence >= 0.8 ? 'green' : run.output.confidence >= 0.5 ? 'yellow' : 'red'
                  }
                />
                <Text size="sm" fw={600}>
                  {percent(run.output.confidence)}
                </Text>
              </Group>
              <Text size="xs" c="dimmed">
                class id <code>{run.output.id}</code>
                {run.reviewed ? ' · set by a reviewer' : ' · chosen by the model'}
              </Text>
            </Stack>
          )}
          {run.edited && run.initialOutput && (
            <Text size="sm" c="dimmed">
              The model said <b>{run.initialOutput.type}</b> ({percent(run.initialOutput.confidence)}).
            </Text>
          )}
          {(run.initialOutput ?? run.output)?.insights.map((insight) => (
            <Stack gap={2} key={insight.content}>
              <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                Reasoning
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {insight.content}
              </Text>
            </Stack>
          ))}
          {reviewable && (
            <Stack gap={6} role="radiogroup" aria-label="Correct classification">
              <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                {run.reviewed ? 'Change the review' : 'Review'}
              </Text>
              {classes.map((c, i) => {
                const selected = picked === c.id;
                return (
                  <Button
                    key={c.id}
                    data-class-option={c.id}
                    role="radio"
                    aria-checked={selected}
                    variant={selected ? 'filled' : 'default'}
                    justify="flex-start"
                    fullWidth
                    onClick={() => setPicked(c.id)}
                    leftSection={i < 9 ? <Kbd size="xs">{i + 1}</Kbd> : undefined}
                    rightSection={
                      c.id === current ? (
                        <Badge size="xs" variant={selected ? 'white' : 'light'}>
                          {run.reviewed ? 'current' : 'model'}
                        </Badge>
                      ) : undefined
                    }
                    styles={{ label: { flex: 1 } }}
                    title={c.description}
                  >
                    {c.type === c.id ? c.id : `${c.id} (${c.type})`}
                  </Button>
                );
              })}
              <Button
                color="teal"
                onClick={() => void confirm(picked)}
                loading={busy}
                disabled={!picked}
                rightSection={<Kbd size="xs">Enter</Kbd>}
              >
                {picked === current && !run.reviewed ? 'Confirm' : 'Save review'}
              </Button>
              {saved && (
                <Text size="sm" c="teal" role="status">
                  Saved: {run.edited ? 'reviewed and edited' : 'reviewed'}.
                </Text>
              )}
              {error && (
                <Alert color="red" title="Review not saved" role="alert">
                  {error}
                </Alert>
              )}
            </Stack>
          )}
          <Text size="xs" c="dimmed">
            {reviewable && (
              <>
                <Kbd size="xs">1</Kbd>–<Kbd size="xs">9</Kbd> pick · <Kbd size="xs">Enter</Kbd> confirm ·{' '}
              </>
            )}
            <Kbd size="xs">J</Kbd>/<Kbd size="xs">K</Kbd> next/previous
            {!nav.onNext && !nav.onPrev ? ' (open a run from the list to walk through it)' : ''}
          </Text>
          <RunDeliveries run={run} />
        </Stack>
      </ScrollArea>
    </Paper>
  );
}
