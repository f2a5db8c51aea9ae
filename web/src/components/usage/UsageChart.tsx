import { Group, Text } from '@mantine/core';
import { useId } from 'react';
import type { UsageDay } from '../../api/types';
import { dayStack, longDay, plural, shortDay, type UsageSeries } from '../../lib/usage-data';

const W = 960;
const H = 260;
const M = { top: 12, right: 12, bottom: 28, left: 52 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

/** A round axis maximum (1, 2, 5 × 10ⁿ) at or above the largest day, and its ticks. */
function axis(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, ([1, 2, 5, 10].find((f) => f * mag >= raw) ?? 10) * mag);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

/** What a bar says to a screen reader and in its tooltip: the day, its credits and their split. */
export function barLabel(d: UsageDay, series: UsageSeries[]): string {
  const parts = dayStack(d, series).map((p) => `${p.series.label} ${plural(p.credits, 'credit')}`);
  return `${longDay(d.date)}: ${plural(d.credits, 'credit')}, ${plural(d.runs, 'run')}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * Credits per day as stacked bars, one stack per classifier in the order of `series`. Hand-drawn SVG:
 * every bar is an image with its own label, and the table under the chart holds the same figures.
 */
export function UsageChart({ days, series }: { days: UsageDay[]; series: UsageSeries[] }) {
  const ticks = axis(Math.max(0, ...days.map((d) => d.credits)));
  const top = ticks[ticks.length - 1] ?? 1;
  const y = (v: number) => M.top + (1 - v / top) * PLOT_H;
  const slot = PLOT_W / Math.max(1, days.length);
  const bar = Math.max(1, Math.min(40, slot * 0.72));
  // About ten date labels whatever the range.
  const every = Math.max(1, Math.ceil(days.length / 10));
  const titleId = useId();
  const first = days[0];
  const last = days.at(-1);
  const title = `Credits per day by classifier${first && last ? `, ${longDay(first.date)} to ${longDay(last.date)}` : ''}`;

  return (
    <div>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ display: 'block' }} aria-labelledby={titleId}>
        <title id={titleId}>{title}</title>
        {ticks.map((t) => (
          <g key={t} aria-hidden>
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke="#e9ecef" />
            <text x={M.left - 6} y={y(t) + 4} fontSize={11} textAnchor="end" fill="#868e96">
              {t.toLocaleString()}
            </text>
          </g>
        ))}
        <text
          x={12}
          y={M.top + PLOT_H / 2}
          fontSize={11}
          textAnchor="middle"
          fill="#495057"
          transform={`rotate(-90 12 ${M.top + PLOT_H / 2})`}
          aria-hidden
        >
          credits
        </text>
        {days.map((d, i) => {
          const left = M.left + i * slot + (slot - bar) / 2;
          let base = 0;
          const label = barLabel(d, series);
          return (
            <g key={d.date} aria-label={label} data-date={d.date} data-credits={d.credits}>
              <title>{label}</title>
              {/* The whole column answers the pointer, so a tooltip shows on an empty day too. */}
              <rect x={M.left + i * slot} y={M.top} width={slot} height={PLOT_H} fill="transparent" />
              {dayStack(d, series).map((p) => {
                const y0 = y(base);
                base += p.credits;
                return (
                  <rect
                    key={p.series.key}
                    x={left}
                    y={y(base)}
                    width={bar}
                    height={Math.max(0.5, y0 - y(base))}
                    fill={p.series.color}
                    data-series={p.series.key}
                  />
                );
              })}
              {i % every === 0 && (
                <text
                  x={M.left + (i + 0.5) * slot}
                  y={H - M.bottom + 16}
                  fontSize={11}
                  textAnchor="middle"
                  fill="#868e96"
                  aria-hidden
                >
                  {shortDay(d.date)}
                </text>
              )}
            </g>
          );
        })}
        <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} stroke="#868e96" aria-hidden />
      </svg>
      {series.length > 0 && (
        <Group gap="md" mt={4} aria-label="Legend">
          {series.map((s) => (
            <Group key={s.key} gap={4} wrap="nowrap">
              <span
                aria-hidden
                style={{
                  display: 'inline-block',
                  width: 12,
                  height: 12,
                  borderRadius: 2,
                  background: s.color,
                }}
              />
              <Text size="xs" c="dimmed">
                {s.label}
              </Text>
            </Group>
          ))}
        </Group>
      )}
    </div>
  );
}
