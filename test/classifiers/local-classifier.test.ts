import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalClassifier, LOCAL_ENGINE } from '../../src/adapters/classifiers/local/index.js';
import { MAX_REASONING_LENGTH } from '../../src/adapters/classifiers/local/reasoning.js';
import type { ClassificationDefinition, ClassifyInput } from '../../src/ports/classifier.js';
import { sharedPath } from '../support/shared-dir.js';
import { describeClassifierContract } from './classifier-contract.js';

describeClassifierContract('local lexical classifier', () => createLocalClassifier());

const OTHER: ClassificationDefinition = { id: 'other', type: 'other', description: 'Anything else.' };

const OFFICE: ClassificationDefinition[] = [
  {
    id: 'invoice',
    type: 'invoice',
    description: 'Invoices from suppliers asking us to pay for goods or services.',
  },
  { id: 'receipt', type: 'receipt', description: 'Till receipts for purchases already paid.' },
  { id: 'email', type: 'email', description: 'E-mail messages.' },
  { id: 'letter', type: 'letter', description: 'Letters sent to us by post.' },
  { id: 'resume', type: 'resume', description: 'CVs of job applicants.' },
  OTHER,
];

const INVOICE = `ACME Office Supplies Ltd
12 Harbour Street, Leeds LS1 4AB

INVOICE
Invoice number: INV-2024-0193        Invoice date: 3 March 2024
Bill to: Northwind Traders, 4 Mill Lane, York

Description                 Qty   Unit price     Amount
A4 paper, box of 5            4        21.50      86.00
Toner cartridge               2        64.00     128.00
Subtotal                                         214.00
VAT 20%                                           42.80
Total due                                        256.80

Payment terms: net 30 days. Please remit to account 12345678, sort code 20-00-00.`;

const EMAIL = `From: Jane Porter <jane.porter@example.com>
Sent: Tuesday, 4 June 2024 09:12
To: Sam Lee <sam.lee@example.com>
Subject: RE: Thursday meeting

Hi Sam,

Thursday at 10 works for me. I'll bring the slides.

Thanks,
Jane`;

const RESUME = `JOHN SMITH
Curriculum Vitae

EDUCATION
1998 - 2002  BSc Chemistry, University of Leeds

EXPERIENCE
2002 - 2010  Research chemist, Northwind Labs
2010 - present  Laboratory manager, Acme Analytics

SKILLS
Chromatography, team management, technical writing

REFERENCES
Available on request`;

const classify = (input: Partial<ClassifyInput> & Pick<ClassifyInput, 'pages'>) =>
  createLocalClassifier().classify({ classifications: OFFICE, ...input });

describe('local lexical classifier', () => {
  it('puts an invoice in the invoice classification', async () => {
    const result = await classify({ pages: [{ pageNumber: 1, text: INVOICE }] });
    expect(result.id).toBe('invoice');
    expect(result.engine).toBe(LOCAL_ENGINE);
    expect(result.confidence).toBeGreaterThan(0.5);
  });

  it('puts an e-mail with From/To/Subject headers in the email classification', async () => {
    const result = await classify({ pages: [{ pageNumber: 1, text: EMAIL }] });
    expect(result.id).toBe('email');
    expect(result.reasoning).toMatch(/e-mail header|header lines/);
  });

  it('puts a CV in the resume classification', async () => {
    const result = await classify({ pages: [{ pageNumber: 1, text: RESUME }] });
    expect(result.id).toBe('resume');
  });

  it('sends gibberish to other', async () => {
    const result = await classify({
      pages: [
        {
          pageNumber: 1,
          text: 'qwv zxkp trrl ghhm pfft 0x3f9 ##@@ ;; lorem ipsum dolor sit amet consectetur',
        },
      ],
    });
    expect(result.id).toBe('other');
  });

  it('sends a text about an unrelated subject to other', async () => {
    const recipe = `Lemon drizzle cake. Cream the butter and the caster sugar until pale, beat in the eggs one at a
      time, then fold in the flour and the zest of two lemons. Bake in a loaf tin at 180 degrees for 45 minutes.
      While the cake is still warm, pour over the juice of the lemons mixed with granulated sugar.`;
    const result = await classify({ pages: [{ pageNumber: 1, text: recipe }] });
    expect(result.id).toBe('other');
    expect(result.reasoning).toContain('Chose "other"');
  });

  it('explains itself with evidence, page numbers, the runner-up and the margin', async () => {
    const result = await classify({
      pages: [
        { pageNumber: 1, text: 'Northwind Traders\nPage one of our paperwork, nothing to see.' },
        { pageNumber: 2, text: INVOICE },
      ],
    });
    expect(result.id).toBe('invoice');
    expect(result.reasoning).toMatch(/^Chose "invoice" \(confidence \d\.\d\d\): matched /);
    expect(result.reasoning).toContain('(p.2');
    expect(result.reasoning).not.toContain('(p.1');
    expect(result.reasoning).toMatch(/Runner-up "\w+" \(\d\.\d\d\), margin \d\.\d\d\.$/);
    expect(result.reasoning.length).toBeLessThanOrEqual(MAX_REASONING_LENGTH);
  });

  it('uses the file name as evidence and says so', async () => {
    const result = await classify({
      pages: [{ pageNumber: 1, text: 'Northwind Traders, 4 Mill Lane, York. Amount 256.80.' }],
      fileName: 'invoice_2024_0193.pdf',
    });
    expect(result.id).toBe('invoice');
    expect(result.reasoning).toContain('(file name');
  });

  it('lets the config rules move a document between classifications', async () => {
    const classifications: ClassificationDefinition[] = [
      { id: 'contract', type: 'contract', description: 'Signed agreements with customers.' },
      { id: 'letter', type: 'letter', description: 'Letters.' },
      OTHER,
    ];
    const text = `Dear Ms Brown,\nPlease find attached the statement of work for the warehouse project, covering the
      migration milestones and the acceptance criteria we discussed.\nYours sincerely,\nTom Hill`;
    const pages = [{ pageNumber: 1, text }];
    const classifier = createLocalClassifier();
    const without = await classifier.classify({ classifications, pages });
    expect(without.id).toBe('letter');

    const withRule = await classifier.classify({
      classifications,
      pages,
      rules: 'Anything that includes a "statement of work" or acceptance criteria is a contract.',
    });
    expect(withRule.id).toBe('contract');
    expect(withRule.reasoning).toContain('rule');
  });

  it('counts words against a classification when a rule says "not"', async () => {
    const classifications: ClassificationDefinition[] = [
      { id: 'invoice', type: 'invoice', description: 'Supplier invoices.' },
      { id: 'receipt', type: 'receipt', description: 'Receipts.' },
      OTHER,
    ];
    const text = `CREDIT NOTE\nInvoice number: INV-77 refers\nCredit note number: CN-12\nAmount credited: 40.00\nTotal due: 0.00`;
    const pages = [{ pageNumber: 1, text }];
    const classifier = createLocalClassifier();
    const plain = await classifier.classify({ classifications, pages });
    expect(plain.id).toBe('invoice');
    const ruled = await classifier.classify({
      classifications,
      pages,
      rules: 'A credit note is a receipt, not an invoice.',
    });
    expect(ruled.id).toBe('receipt');
    const invoiceBefore = plain.scores.find((s) => s.id === 'invoice')?.probability ?? 0;
    const invoiceAfter = ruled.scores.find((s) => s.id === 'invoice')?.probability ?? 0;
    expect(invoiceAfter).toBeLessThan(invoiceBefore);
  });

  it('answers other with certainty when other is the only classification', async () => {
    const result = await createLocalClassifier().classify({
      classifications: [{ id: 'anything', type: 'other', description: '' }],
      pages: [{ pageNumber: 1, text: INVOICE }],
    });
    expect(result.id).toBe('anything');
    expect(result.confidence).toBe(1);
    expect(result.scores).toEqual([{ id: 'anything', type: 'other', probability: 1 }]);
  });

  it('reads classification types and ids written in any style', async () => {
    const styles = ['purchase_order', 'purchaseOrder', 'PurchaseOrder', 'PURCHASE-ORDER', 'Purchase order'];
    const po = `PURCHASE ORDER\nPO number: 4500012\nVendor: ACME Office Supplies\nShip to: Northwind, York
      Item  Qty  Unit price\nA4 paper  40  21.50\nDelivery date: 12 April`;
    for (const type of styles) {
      const result = await createLocalClassifier().classify({
        classifications: [
          { id: 'cls_1', type, description: '' },
          { id: 'cls_2', type: 'letter', description: '' },
          { id: 'cls_3', type: 'other', description: '' },
        ],
        pages: [{ pageNumber: 1, text: po }],
      });
      expect(result.id, type).toBe('cls_1');
      expect(result.type).toBe(type);
    }
  });

  it('tells apart two "other" classifications by id in its reasoning', async () => {
    const result = await createLocalClassifier().classify({
      classifications: [
        { id: 'invoice', type: 'invoice', description: '' },
        { id: 'other_a', type: 'other', description: '' },
        { id: 'other_b', type: 'other', description: '' },
      ],
      pages: [{ pageNumber: 1, text: 'zzz qqq' }],
    });
    expect(result.id).toBe('other_a');
    expect(result.reasoning).toContain('(other_a)');
  });

  it('refuses a config without classifications', async () => {
    await expect(createLocalClassifier().classify({ classifications: [], pages: [] })).rejects.toThrow(
      /classification/,
    );
  });

  it('is deterministic across instances and repeated calls', async () => {
    const input: ClassifyInput = { classifications: OFFICE, pages: [{ pageNumber: 1, text: INVOICE }] };
    const a = createLocalClassifier();
    const first = await a.classify(input);
    expect(await a.classify(input)).toEqual(first);
    expect(await createLocalClassifier().classify(input)).toEqual(first);
  });
});

describe('one topic against "other"', () => {
  const classifications: ClassificationDefinition[] = [
    { id: 'sport', type: 'sport', description: 'Sports news.' },
    { id: 'other', type: 'other', description: 'Anything else.' },
  ];
  const articles = (folder: string) => {
    const dir = join(sharedPath('data'), 'bbc-news', folder);
    return readdirSync(dir)
      .sort()
      .slice(0, 30)
      .map((name) => readFileSync(join(dir, name), 'utf8'));
  };
  const predicted = async (folder: string) => {
    const classifier = createLocalClassifier();
    const ids: string[] = [];
    for (const text of articles(folder)) {
      ids.push((await classifier.classify({ classifications, pages: [{ pageNumber: 1, text }] })).id);
    }
    return ids;
  };

  it('takes match reports for sport, and news about politics or business, news as it is, for other', async () => {
    expect((await predicted('sport')).filter((id) => id === 'sport').length).toBeGreaterThanOrEqual(29);
    // The genre "news" the description names is what all of them share: it is not evidence of sport.
    for (const folder of ['politics', 'business']) {
      expect((await predicted(folder)).filter((id) => id === 'sport').length).toBeLessThanOrEqual(4);
    }
  });
});
