import { Box, Group, Text } from '@mantine/core';
import type { CSSProperties } from 'react';
import { FAILED_LABEL } from '../../api/evaluation-types';
import { pct } from '../../lib/evaluation-format';

// Two hues so the diagonal reads apart from the confusions even in greyscale prints: the diagonal also
// gets an inset outline. Intensity is the cell's share of its row (of the files expected in that class).
const CORRECT_RGB = '12, 133, 98';
const WRONG_RGB = '201, 42, 42';
const DIAGONAL_OUTLINE = 'inset 0 0 0 2px rgb(8, 94, 69)';

const alphaFor = (share: number) => (share <= 0 ? 0 : 0.1 + 0.8 * share);

const headStyle: CSSProperties = {
  fontWeight: 600,
  fontSize: 12,
  padding: '2px 6px',
  color: 'var(--mantine-color-gray-8)',
  overflowWrap: 'anywhere',
};
const axisStyle: CSSProperties = {
  fontSize: 11,
  fontWeight: 600,
  textTransform: 'uppercase',
  letterSpacing: 0.5,
  color: 'var(--mantine-color-dimmed)',
};

/**
 * The confusion matrix as a heatmap: rows are the expected classes, columns the predicted ones. A table
 * underneath, so screen readers can move by row and column; every cell also names itself in full.
 */
export function ConfusionMatrix({
  labels,
  counts,
  label = 'Confusion matrix',
  compact = false,
}: {
  labels: string[];
  counts: number[][];
  label?: string;
  compact?: boolean;
}) {
  const cell = compact ? 46 : 60;
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  // Rows of the "(failed)" label are always empty (nothing is expected to fail): leave them out.
  const rows = labels.map((l, i) => ({ l, i })).filter(({ l }) => l !== FAILED_LABEL);
  const headerWidth = Math.min(150, Math.max(64, ...labels.map((l) => l.length * 7.5 + 16)));
  // Column labels wider than a cell stand on end, so the cells stay square whatever the class names.
  const upright = labels.some((l) => l.length * 6.6 > cell - 4);

  return (
    <Box style={{ overflowX: 'auto' }}>
      <table
        aria-label={label}
        style={{ borderCollapse: 'separate', borderSpacing: 2, tableLayout: 'fixed', margin: '0 auto' }}
      >
        <thead>
          <tr>
            <td colSpan={2} />
            <th scope="colgroup" colSpan={labels.length} style={{ ...axisStyle, paddingBottom: 2 }}>
              predicted
            </th>
            <td />
          </tr>
          <tr>
            <td style={{ width: 22 }} />
            <td style={{ width: headerWidth }} />
            {labels.map((l) => (
              <th
                key={l}
                scope="col"
                title={l}
                style={{ ...headStyle, width: cell, textAlign: 'center', verticalAlign: 'bottom' }}
              >
                {upright ? (
                  <span
                    style={{
                      display: 'inline-block',
                      writingMode: 'vertical-rl',
                      transform: 'rotate(180deg)',
                      whiteSpace: 'nowrap',
                      maxHeight: 130,
                      overflow: 'hidden',
                      textOverflow: 'ellipsis',
                      textAlign: 'left',
                    }}
                  >
                    {l}
                  </span>
                ) : (
                  l
                )}
              </th>
            ))}
            <th
              scope="col"
              style={{ ...headStyle, ...axisStyle, width: 52, verticalAlign: 'bottom', whiteSpace: 'nowrap' }}
            >
              total
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ l: expected, i }, r) => {
            const total = rowTotals[i] ?? 0;
            return (
              <tr key={expected}>
                {r === 0 && (
                  <th
                    scope="rowgroup"
                    rowSpan={rows.length}
                    style={{
                      ...axisStyle,
                      writingMode: 'vertical-rl',
                      transform: 'rotate(180deg)',
                      textAlign: 'center',
                      padding: 0,
                    }}
                  >
                    expected
                  </th>
                )}
                <th scope="row" style={{ ...headStyle, textAlign: 'right' }}>
                  {expected}
                </th>
                {labels.map((predicted, j) => {
                  const n = counts[i]?.[j] ?? 0;
                  const share = total ? n / total : 0;
                  const alpha = alphaFor(share);
                  const diagonal = i === j;
                  const name = `expected ${expected}, predicted ${predicted}: ${n}`;
                  return (
                    <td
                      key={predicted}
                      aria-label={name}
                      title={total ? `${name} (${pct(share, 0)} of ${expected})` : name}
                      data-diagonal={diagonal || undefined}
                      style={{
                        height: cell,
                        width: cell,
                        textAlign: 'center',
                        borderRadius: 4,
                        background:
                          alpha > 0
                            ? `rgba(${diagonal ? CORRECT_RGB : WRONG_RGB}, ${alpha})`
                            : 'var(--mantine-color-gray-0)',
                        boxShadow: diagonal
                          ? DIAGONAL_OUTLINE
                          : 'inset 0 0 0 1px var(--mantine-color-gray-2)',
                        color:
                          alpha > 0.55
                            ? 'white'
                            : n
                              ? 'var(--mantine-color-black)'
                              : 'var(--mantine-color-gray-5)',
                        lineHeight: 1.1,
                      }}
                    >
                      <div style={{ fontWeight: 700, fontSize: compact ? 13 : 15 }}>{n}</div>
                      {!compact && n > 0 && <div style={{ fontSize: 10 }}>{pct(share, 0)}</div>}
                    </td>
                  );
                })}
                <td
                  aria-label={`expected ${expected}: ${total} in total`}
                  style={{ textAlign: 'center', fontSize: 12, color: 'var(--mantine-color-dimmed)' }}
                >
                  {total}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Group gap="md" justify="center" mt={6}>
        <Legend rgb={CORRECT_RGB} outline>
          correct (diagonal)
        </Legend>
        <Legend rgb={WRONG_RGB}>confused</Legend>
        <Text size="xs" c="dimmed">
          darker = larger share of the expected class
        </Text>
      </Group>
    </Box>
  );
}

function Legend({ rgb, outline, children }: { rgb: string; outline?: boolean; children: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <span
        aria-hidden
        style={{
          display: 'inline-block',
          width: 12,
          height: 12,
          borderRadius: 2,
          background: `rgba(${rgb}, 0.7)`,
          boxShadow: outline ? DIAGONAL_OUTLINE : undefined,
        }}
      />
      <Text size="xs" c="dimmed">
        {children}
      </Text>
    </Group>
  );
}
