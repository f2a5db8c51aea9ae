import { AppShell, Badge, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import type { MouseEvent, ReactNode } from 'react';
import { navigate, useLocation } from '../lib/router';

const NAV: { to: string; label: string; planned?: boolean }[] = [
  { to: '/runs', label: 'Runs' },
  { to: '/review', label: 'Review queue' },
  { to: '/classifiers', label: 'Classifiers' },
  { to: '/evaluation', label: 'Evaluation' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/usage', label: 'Usage' },
];

export function Layout({ children, onSignOut }: { children: ReactNode; onSignOut: () => void }) {
  const { pathname } = useLocation();
  const go = (to: string) => (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={1} size="h4">
            Docsort
          </Title>
          <Button variant="subtle" size="xs" onClick={onSignOut}>
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <Stack gap={2}>
          {NAV.map((item) => (
            <NavLink
              key={item.to}
              href={item.to}
              onClick={go(item.to)}
              label={item.label}
              active={pathname === item.to || pathname.startsWith(`${item.to}/`)}
              aria-current={pathname.startsWith(item.to) ? 'page' : undefined}
              rightSection={
                item.planned ? (
                  <Badge size="xs" variant="light" color="gray">
                    soon
                  </Badge>
                ) : undefined
              }
            />
          ))}
        </Stack>
        <Text size="xs" c="dimmed" mt="auto" p="xs">
          API version 2026-02-09
        </Text>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
