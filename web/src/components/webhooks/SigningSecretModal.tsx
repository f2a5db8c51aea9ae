import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { formatTime } from '../../lib/format';

export interface ShownSecret {
  endpointName: string;
  secret: string;
  /** Set after a rotation: until when the previous secret keeps signing too. */
  previousExpiresAt?: string | undefined;
}

/**
 * The signing secret, shown the one time the API returns it (creation or rotation). Closing is a
 * deliberate click: a click beside the dialog must not lose the secret.
 */
export function SigningSecretModal({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  return (
    <Modal
      opened={shown !== null}
      onClose={onClose}
      title={shown?.previousExpiresAt ? 'New signing secret' : 'Endpoint created: its signing secret'}
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
      size="lg"
    >
      {shown && (
        <Stack gap="sm">
          <Alert color="yellow" title="Copy it now: you will not see this secret again" role="alert">
            Docsort shows the signing secret of <b>{shown.endpointName}</b> only this once. Store it where
            your receiver reads its configuration; it verifies the <Code>x-extend-request-signature</Code> and{' '}
            <Code>webhook-signature</Code> headers of every delivery. If you lose it, rotate the secret to get
            a new one.
          </Alert>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code
              data-testid="signing-secret"
              aria-label="Signing secret"
              style={{ flex: 1, fontSize: 14, padding: '8px 10px', overflowWrap: 'anywhere' }}
            >
              {shown.secret}
            </Code>
            <CopyButton value={shown.secret} timeout={3000}>
              {({ copied, copy }) => (
                <Button color={copied ? 'teal' : 'indigo'} onClick={copy} w={130}>
                  {copied ? 'Copied' : 'Copy secret'}
                </Button>
              )}
            </CopyButton>
          </Group>
          {shown.previousExpiresAt && (
            <Text size="sm">
              The previous secret keeps signing deliveries (in the <Code>webhook-signature</Code> header,
              beside the new one) until {formatTime(shown.previousExpiresAt)}, so you can update the receiver
              without losing a delivery.
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              I have stored the secret
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
