/**
 * The mapping spreadsheet John Lewis issues to suppliers, saved as CSV: one row per product with
 * JL's stock number and the supplier's own reference. Column names vary between issues of the
 * sheet, so the header is found by recognising the names below (case, spaces and punctuation
 * ignored), and the sheet may have title rows above it.
 */
import { normalizeSku } from "./sku-normalize";

export interface MappingCsvRow {
  /** 1-based line number in the file, for error messages. */
  line: number;
  marketplaceSku: string;
  /** The supplier's reference (our Shopify SKU) or EAN, whichever the row carries. */
  shopifySku: string | null;
  barcode: string | null;
}

export interface MappingCsvError {
  line: number;
  message: string;
}

export interface MappingCsvResult {
  rows: MappingCsvRow[];
  errors: MappingCsvError[];
}

const PART_NUMBER = new Set(["PARTNUMBER", "JLSTOCKNUMBER", "STOCKNUMBER", "JLPARTNUMBER", "PRODUCTCODE", "JLSTOCKNO", "STOCKNO"]);
const SUPPLIER_SKU = new Set(["SUPPLIERSKU", "SUPPLIERSKUREFERENCE", "SUPPLIERREFERENCE", "SUPPLIERCODE", "SKU", "TRADEDCODE", "SUPPLIERPRODUCTCODE", "MODELNUMBER", "MODELNO"]);
const BARCODE = new Set(["EAN", "BARCODE", "GTIN", "EANCODE", "UPC", "EAN13"]);

/** Splits CSV text into records (RFC 4180: quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = detectDelimiter(src);
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.length === 0) quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = "";
      line++;
      recordLine = line;
    } else field += c;
  }
  if (field.length > 0 || fields.length > 0) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return records.filter((r) => r.fields.some((f) => f.trim().length > 0));
}

/** Spreadsheets saved in European locales use semicolons; pick whichever the first line uses more. */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r|\n/) === -1 ? text.length : text.search(/\r|\n/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const candidates = [",", ";", "\t"];
  return candidates.reduce((best, ch) => (count(ch) > count(best) ? ch : best), ",");
}

const headerKey = (s: string) => normalizeSku(s) ?? "";

/** Parses the mapping sheet; every row that cannot be used is reported with its line and why. */
export function parseMappingCsv(text: string): MappingCsvResult {
  const records = parseCsvRecords(text);
  const headerIndex = records.findIndex((r) => r.fields.some((f) => PART_NUMBER.has(headerKey(f))));
  if (headerIndex === -1) {
    return {
      rows: [],
      errors: [{ line: 1, message: "No header row found: expected a column named part_number or JL stock number." }],
    };
  }
  const header = records[headerIndex].fields.map(headerKey);
  const partCol = header.findIndex((h) => PART_NUMBER.has(h));
  const skuCol = header.findIndex((h) => SUPPLIER_SKU.has(h));
  const barcodeCol = header.findIndex((h) => BARCODE.has(h));
  if (skuCol === -1 && barcodeCol === -1) {
    return {
      rows: [],
      errors: [
        {
          line: records[headerIndex].line,
          message: "No column with our reference: expected supplier SKU, SKU, tradedCode or EAN.",
        },
      ],
    };
  }
  const rows: MappingCsvRow[] = [];
  const errors: MappingCsvError[] = [];
  const seen = new Map<string, number>();
  for (const record of records.slice(headerIndex + 1)) {
    const cell = (col: number) => (col === -1 ? "" : (record.fields[col] ?? "").trim());
    const part = cell(partCol);
    const sku = cell(skuCol);
    const barcode = cell(barcodeCol);
    if (part.length === 0) {
      errors.push({ line: record.line, message: "The part number is empty." });
      continue;
    }
    if (sku.length === 0 && barcode.length === 0) {
      errors.push({ line: record.line, message: `Part number ${part} has no SKU or EAN to match.` });
      continue;
    }
    const earlier = seen.get(part);
    if (earlier !== undefined) {
      errors.push({ line: record.line, message: `Part number ${part} already appears on line ${earlier}.` });
      continue;
    }
    seen.set(part, record.line);
    rows.push({
      line: record.line,
      marketplaceSku: part,
      shopifySku: sku.length > 0 ? sku : null,
      barcode: barcode.length > 0 ? barcode : null,
    });
  }
  return { rows, errors };
}
