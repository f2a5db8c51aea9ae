import { Extend } from 'extend-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer } from '../support/test-server.js';
import {
  afterMillisecond,
  CLASSIFIER_KEYS,
  CLASSIFIER_VERSION_KEYS,
  CLASSIFIER_VERSION_SUMMARY_KEYS,
  expectNonDecreasing,
  expectNonIncreasing,
  ISO,
  ms,
  sdkError,
  sortedKeys,
} from './sdk-support.js';

/** Classifiers and their versions, through the official SDK (spec §3.3, Decisions 3 and 5). */

const RECEIPT_CONFIG: Extend.ClassifyConfig = {
  classifications: [
    ...BASIC_CONFIG.classifications,
    { id: 'receipt', type: 'receipt', description: 'Proof of a payment already made at a shop or till.' },
  ],
  classificationRules: 'Documents that say PAID are receipts.',
};

describe.each(backends())('SDK classifiers (%s)', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('creates a classifier with a config; retrieve shows the draft version', async () => {
    const created = await s.client.classifiers.create({ name: 'Mail room', config: BASIC_CONFIG });
    expect(sortedKeys(created)).toEqual(CLASSIFIER_KEYS);
    expect(created).toMatchObject({ object: 'classifier', name: 'Mail room' });
    expect(created.id).toMatch(/^cl_/);
    expect(created.createdAt).toMatch(ISO);
    expect(created.updatedAt).toMatch(ISO);
    const draft = created.draftVersion;
    expect(sortedKeys(draft)).toEqual(CLASSIFIER_VERSION_KEYS);
    expect(draft).toMatchObject({
      object: 'classifier_version',
      version: 'draft',
      description: null,
      classifierId: created.id,
      config: BASIC_CONFIG,
    });
    expect(draft.id).toMatch(/^clv_/);

    const got = await s.client.classifiers.retrieve(created.id);
    expect(got).toEqual(created);
    expect(got.draftVersion.version).toBe('draft');
  });

  it('creates a classifier without a config: the draft is a valid starter config with an "other" class', async () => {
    const created = await s.client.classifiers.create({ name: 'Empty start' });
    const classes = created.draftVersion.config.classifications;
    expect(classes.length).toBeGreaterThan(0);
    expect(classes.some((c) => c.type === 'other')).toBe(true);
    // The starter draft is usable as is.
    const run = await s.client.classify({
      classifier: { id: created.id, version: 'draft' },
      file: { text: 'Anything at all.' },
    });
    expect(run.status).toBe('PROCESSED');
    expect(run.output?.type).toBe('other');
  });

  it('clones a classifier: the copy starts with the source draft config and is independent', async () => {
    const source = await s.client.classifiers.create({ name: 'Source', config: RECEIPT_CONFIG });
    const clone = await s.client.classifiers.create({ name: 'Clone', cloneClassifierId: source.id });
    expect(clone.id).not.toBe(source.id);
    expect(clone.draftVersion.id).not.toBe(source.draftVersion.id);
    expect(clone.draftVersion.config).toEqual(RECEIPT_CONFIG);

    await s.client.classifiers.update(clone.id, { config: BASIC_CONFIG });
    expect((await s.client.classifiers.retrieve(source.id)).draftVersion.config).toEqual(RECEIPT_CONFIG);

    await sdkError(
      s.client.classifiers.create({ name: 'Ghost clone', cloneClassifierId: 'cl_doesnotexist' }),
      Extend.NotFoundError,
      404,
    );
    const { body } = await sdkError(
      s.client.classifiers.create({ name: 'Both', cloneClassifierId: source.id, config: BASIC_CONFIG }),
      Extend.BadRequestError,
      400,
    );
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.message).toContain('Path: cloneClassifierId');
  });

  it('updates the name and the draft config', async () => {
    const c = await s.client.classifiers.create({ name: 'Before', config: BASIC_CONFIG });

    const renamed = await s.client.classifiers.update(c.id, { name: 'After' });
    expect(renamed.name).toBe('After');
    expect(renamed.draftVersion.config).toEqual(BASIC_CONFIG);
    expect(renamed.draftVersion.id).toBe(c.draftVersion.id);
    expect(ms(renamed.updatedAt)).toBeGreaterThanOrEqual(ms(c.updatedAt));
    expect(renamed.createdAt).toBe(c.createdAt);

    const reconfigured = await s.client.classifiers.update(c.id, { config: RECEIPT_CONFIG });
    expect(reconfigured.name).toBe('After');
    expect(reconfigured.draftVersion.config).toEqual(RECEIPT_CONFIG);
    expect(reconfigured.draftVersion.version).toBe('draft');

    const both = await s.client.classifiers.update(c.id, { name: 'Both changed', config: BASIC_CONFIG });
    expect(both).toMatchObject({ name: 'Both changed', draftVersion: { config: BASIC_CONFIG } });
    expect(await s.client.classifiers.retrieve(c.id)).toEqual(both);
  });

  it('lists classifiers in pages, newest update first by default, and by createdAt ascending', async () => {
    const mine: string[] = [];
    let last = new Date().toISOString();
    for (let i = 0; i < 7; i++) {
      await afterMillisecond(last);
      const c = await s.client.classifiers.create({ name: `Paged ${i}`, config: BASIC_CONFIG });
      mine.push(c.id);
      last = c.createdAt;
    }
    // Touch the oldest of them: with the default sort it moves to the front.
    await afterMillisecond(last);
    await s.client.classifiers.update(mine[0] as string, { name: 'Paged 0 (renamed)' });

    const collect = async (req: Extend.ClassifiersListRequest) => {
      const all: Extend.ClassifierSummary[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await s.client.classifiers.list({ ...req, maxPageSize: 3, nextPageToken: token });
        expect(page.object).toBe('list');
        expect(page.data.length).toBeLessThanOrEqual(3);
        if (page.nextPageToken) expect(page.data).toHaveLength(3);
        all.push(...page.data);
        token = page.nextPageToken;
        pages++;
      } while (token && pages < 50);
      expect(token).toBeUndefined();
      return { all, pages };
    };

    const byUpdate = await collect({});
    const ids = byUpdate.all.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(mine));
    expect(byUpdate.pages).toBeGreaterThanOrEqual(3);
    expectNonIncreasing(byUpdate.all.map((c) => ms(c.updatedAt)));
    expect(ids[0]).toBe(mine[0]);
    for (const c of byUpdate.all)
      expect(sortedKeys(c)).toEqual(CLASSIFIER_KEYS.filter((k) => k !== 'draftVersion'));
    // One page with everything gives the same order as the pages joined.
    const single = await s.client.classifiers.list({ maxPageSize: 1000 });
    expect(single.nextPageToken).toBeUndefined();
    expect(single.data.map((c) => c.id)).toEqual(ids);

    const byCreate = await collect({ sortBy: 'createdAt', sortDir: 'asc' });
    const createdIds = byCreate.all.map((c) => c.id);
    expect(new Set(createdIds).size).toBe(createdIds.length);
    expect(createdIds.sort()).toEqual([...ids].sort());
    expectNonDecreasing(byCreate.all.map((c) => ms(c.createdAt)));
    // Mine appear in the order they were created.
    expect(byCreate.all.map((c) => c.id).filter((id) => mine.includes(id))).toEqual(mine);
  });

  it('publishes versions 0.1, 0.2, 1.0, 1.1 and retrieves them by draft, latest, number and id', async () => {
    const c = await s.client.classifiers.create({ name: 'Versioned', config: BASIC_CONFIG });
    // Before any publication "latest" falls back to the draft.
    const early = await s.client.classifierVersions.retrieve(c.id, 'latest');
    expect(early.version).toBe('draft');
    expect(early.id).toBe(c.draftVersion.id);

    const v01 = await s.client.classifierVersions.create(c.id, {
      releaseType: 'minor',
      description: 'first',
    });
    expect(sortedKeys(v01)).toEqual(CLASSIFIER_VERSION_KEYS);
    expect(v01).toMatchObject({
      object: 'classifier_version',
      version: '0.1',
      description: 'first',
      classifierId: c.id,
      config: BASIC_CONFIG,
    });
    expect(v01.id).toMatch(/^clv_/);
    expect(v01.id).not.toBe(c.draftVersion.id);

    // A published version is a snapshot: later draft edits do not reach it.
    await s.client.classifiers.update(c.id, { config: RECEIPT_CONFIG });
    const v02 = await s.client.classifierVersions.create(c.id, { releaseType: 'minor' });
    expect(v02).toMatchObject({ version: '0.2', description: null, config: RECEIPT_CONFIG });
    expect((await s.client.classifierVersions.retrieve(c.id, '0.1')).config).toEqual(BASIC_CONFIG);

    const v10 = await s.client.classifierVersions.create(c.id, { releaseType: 'major', description: 'GA' });
    expect(v10.version).toBe('1.0');
    const v11 = await s.client.classifierVersions.create(c.id, { releaseType: 'minor' });
    expect(v11.version).toBe('1.1');
    expect(new Set([v01.id, v02.id, v10.id, v11.id]).size).toBe(4);

    const draft = await s.client.classifierVersions.retrieve(c.id, 'draft');
    expect(draft).toMatchObject({ version: 'draft', id: c.draftVersion.id, config: RECEIPT_CONFIG });
    expect(await s.client.classifierVersions.retrieve(c.id, 'latest')).toEqual(v11);
    expect(await s.client.classifierVersions.retrieve(c.id, '1.0')).toEqual(v10);
    expect(await s.client.classifierVersions.retrieve(c.id, v02.id)).toEqual(v02);
    await sdkError(s.client.classifierVersions.retrieve(c.id, '7.3'), Extend.NotFoundError, 404);
    await sdkError(s.client.classifierVersions.retrieve(c.id, 'clv_nonexistent'), Extend.NotFoundError, 404);
    // Another classifier's version id does not resolve here.
    const other = await s.client.classifiers.create({ name: 'Other', config: BASIC_CONFIG });
    await sdkError(s.client.classifierVersions.retrieve(other.id, v10.id), Extend.NotFoundError, 404);

    // Publishing bumps the classifier's updatedAt.
    expect(ms((await s.client.classifiers.retrieve(c.id)).updatedAt)).toBeGreaterThanOrEqual(
      ms(v11.createdAt),
    );

    // The list: the draft first, then published versions newest first; pages join up.
    const listed = await s.client.classifierVersions.list(c.id);
    expect(listed.object).toBe('list');
    expect(listed.data.map((v) => v.version)).toEqual(['draft', '1.1', '1.0', '0.2', '0.1']);
    for (const v of listed.data) expect(sortedKeys(v)).toEqual(CLASSIFIER_VERSION_SUMMARY_KEYS);
    const paged: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s.client.classifierVersions.list(c.id, { maxPageSize: 2, nextPageToken: token });
      paged.push(...page.data.map((v) => v.version));
      token = page.nextPageToken;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(paged).toEqual(['draft', '1.1', '1.0', '0.2', '0.1']);
    const asc = await s.client.classifierVersions.list(c.id, { sortDir: 'asc' });
    expect(asc.data.map((v) => v.version)).toEqual(['draft', '0.1', '0.2', '1.0', '1.1']);

    await sdkError(s.client.classifierVersions.list('cl_nonexistent'), Extend.NotFoundError, 404);
  });

  it('publishing with an explicit config snapshots that config and leaves the draft alone', async () => {
    const c = await s.client.classifiers.create({ name: 'Explicit publish', config: BASIC_CONFIG });
    const v = await s.client.classifierVersions.create(c.id, {
      releaseType: 'major',
      config: RECEIPT_CONFIG,
    });
    expect(v).toMatchObject({ version: '1.0', config: RECEIPT_CONFIG });
    const after = await s.client.classifiers.retrieve(c.id);
    expect(after.draftVersion.config).toEqual(BASIC_CONFIG);
    expect(after.draftVersion.id).toBe(c.draftVersion.id);
    expect((await s.client.classifierVersions.retrieve(c.id, 'draft')).config).toEqual(BASIC_CONFIG);
    expect((await s.client.classifierVersions.retrieve(c.id, 'latest')).config).toEqual(RECEIPT_CONFIG);

    // The explicit config is validated like any other.
    const { body } = await sdkError(
      s.client.classifierVersions.create(c.id, {
        releaseType: 'minor',
        config: { classifications: [{ id: 'a', type: 'a', description: 'no other class' }] },
      }),
      Extend.BadRequestError,
      400,
    );
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.message).toContain('Path: config.classifications');
    // A refused publication does not use up a version number.
    expect((await s.client.classifierVersions.create(c.id, { releaseType: 'minor' })).version).toBe('1.1');
  });
});
