import { Alert, Stack } from '@mantine/core';
import { Link } from '../lib/router';

/** What a detail page shows when its object could not be loaded: the API's message and a way back. */
export function LoadFailure({
  error,
  notFoundTitle,
  failedTitle,
  back,
}: {
  error: { message: string; notFound: boolean };
  notFoundTitle: string;
  failedTitle: string;
  back: { to: string; label: string };
}) {
  return (
    <Stack>
      <Alert color="red" title={error.notFound ? notFoundTitle : failedTitle} role="alert">
        {error.message}
      </Alert>
      <Link to={back.to}>{back.label}</Link>
    </Stack>
  );
}
