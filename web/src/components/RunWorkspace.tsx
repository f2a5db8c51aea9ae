import { Alert, Group } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifyRun } from '../api/types';
import { loadRunMaterials, type RunMaterials } from '../lib/run-materials';
import { useApi } from '../lib/session';
import { ClassificationPanel, type ReviewNavigation } from './ClassificationPanel';
import { DocumentPanes } from './DocumentPanes';

/** Document, parsed text and the classification panel side by side: the screen a reviewer works in. */
export function RunWorkspace({
  run,
  onReviewed,
  nav,
}: {
  run: ClassifyRun;
  onReviewed: (run: ClassifyRun) => void;
  nav: ReviewNavigation;
}) {
  const api = useApi();
  const [materials, setMaterials] = useState<RunMaterials | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Parsed text exists once the run has parsed its file; reload when that changes.
  const ready = run.status !== 'PENDING' && run.status !== 'PROCESSING';

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload per run and when it finishes
  useEffect(() => {
    let live = true;
    setMaterials(null);
    setError(null);
    loadRunMaterials(api, run).then(
      (m) => live && setMaterials(m),
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [api, run.id, run.parseRunId, ready]);

  return (
    <Group align="flex-start" gap="xs" wrap="nowrap">
      <div style={{ flex: 1, minWidth: 0 }}>
        {error ? (
          <Alert color="red" title="The document could not be loaded" role="alert">
            {error}
          </Alert>
        ) : (
          <DocumentPanes run={run} materials={materials} />
        )}
      </div>
      <ClassificationPanel run={run} onReviewed={onReviewed} nav={nav} />
    </Group>
  );
}
