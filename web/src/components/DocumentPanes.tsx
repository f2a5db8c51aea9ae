import {
  Alert,
  Anchor,
  Box,
  Group,
  Loader,
  Paper,
  ScrollArea,
  SegmentedControl,
  Text,
  Title,
} from '@mantine/core';
import { type ReactNode, useState } from 'react';
import type { ClassifyRun } from '../api/types';
import type { RunMaterials } from '../lib/run-materials';
import { PdfPages } from './PdfPages';

const PANE_HEIGHT = 'calc(100vh - 210px)';

function Pane({
  title,
  extra,
  children,
  grow = 1,
}: {
  title: string;
  extra?: ReactNode;
  children: ReactNode;
  grow?: number;
}) {
  return (
    <Paper withBorder p="xs" component="section" aria-label={title} style={{ minWidth: 0, flex: grow }}>
      <Group justify="space-between" mb={6} wrap="nowrap" h={30}>
        <Title order={3} size="h6" c="dimmed" tt="uppercase">
          {title}
        </Title>
        {extra}
      </Group>
      <ScrollArea h={PANE_HEIGHT} type="auto" offsetScrollbars>
        {children}
      </ScrollArea>
    </Paper>
  );
}

export function parsedText(m: RunMaterials): string | null {
  const chunks = m.parse?.output?.chunks;
  if (!chunks) return null;
  return chunks
    .map((c) => (chunks.length > 1 ? `— page ${c.metadata.pageRange.start} —\n${c.content}` : c.content))
    .join('\n\n');
}

function TextBlock({ text }: { text: string }) {
  return (
    <Box
      component="pre"
      m={0}
      style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 13, lineHeight: 1.5 }}
    >
      {text}
    </Box>
  );
}

function ParsedTextBody({ run, materials }: { run: ClassifyRun; materials: RunMaterials }) {
  const text = parsedText(materials);
  if (text !== null) return <TextBlock text={text || '(The document has no text.)'} />;
  if (materials.parseError) {
    return (
      <Alert color="red" title="Parsed text unavailable">
        {materials.parseError}
      </Alert>
    );
  }
  if (!run.parseRunId) {
    return (
      <Text size="sm" c="dimmed">
        {run.status === 'FAILED'
          ? 'The document was not parsed.'
          : 'No parsed text yet: it appears once the run has read the document.'}
      </Text>
    );
  }
  if (materials.parse?.status === 'FAILED') {
    return (
      <Text size="sm" c="dimmed">
        No text could be read from this document: {materials.parse.failureReason ?? 'the parse failed'}.
      </Text>
    );
  }
  return (
    <Text size="sm" c="dimmed">
      The parse run has no output yet ({materials.parse?.status ?? 'unknown status'}).
    </Text>
  );
}

/** The document as it looks (PDF pages, image) beside the text Docsort read from it. */
export function DocumentPanes({ run, materials }: { run: ClassifyRun; materials: RunMaterials | null }) {
  const [zoom, setZoom] = useState('1');
  if (!materials) {
    return (
      <Paper withBorder p="md">
        <Loader size="sm" aria-label="Loading the document" />
      </Paper>
    );
  }
  const open = materials.file?.presignedUrl ? (
    <Anchor href={materials.file.presignedUrl} target="_blank" rel="noreferrer" size="xs">
      Open original
    </Anchor>
  ) : undefined;
  const parsed = (
    <Pane title="Parsed text" grow={2} extra={materials.kind === 'text' ? open : undefined}>
      <ParsedTextBody run={run} materials={materials} />
    </Pane>
  );
  if (materials.kind === 'text') {
    // For text formats the parsed text is the document; one pane shows it.
    return parsed;
  }
  return (
    <Group align="stretch" gap="xs" wrap="nowrap">
      <Pane
        title="Document"
        grow={3}
        extra={
          <Group gap="xs" wrap="nowrap">
            {materials.kind === 'pdf' && (
              <SegmentedControl
                size="xs"
                aria-label="Zoom"
                data={[
                  { value: '1', label: 'Fit' },
                  { value: '1.5', label: '150%' },
                  { value: '2', label: '200%' },
                ]}
                value={zoom}
                onChange={setZoom}
              />
            )}
            {open}
          </Group>
        }
      >
        {materials.kind === 'pdf' && materials.pdfBytes && (
          <PdfPages
            bytes={materials.pdfBytes}
            name={materials.file?.name ?? 'document'}
            zoom={Number(zoom)}
          />
        )}
        {materials.kind === 'image' && materials.imageUrl && (
          <img
            src={materials.imageUrl}
            alt={materials.file?.name ?? 'document'}
            style={{ maxWidth: '100%', border: '1px solid var(--mantine-color-gray-3)' }}
          />
        )}
        {!materials.pdfBytes && !materials.imageUrl && (
          <Text size="sm" c="dimmed">
            The file's bytes could not be loaded.
          </Text>
        )}
      </Pane>
      {parsed}
    </Group>
  );
}
