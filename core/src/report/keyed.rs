//! A stored report read in one pass for a batch reanalysis
//! ([`super::rederive`]): its header, and each gene entry and drug result
//! as a key text, the entry's JSON without the parts no new result and no
//! comparison depends on.
//!
//! - A gene entry's key keeps `gene`, `source`, `outside` and `call`
//!   without the call's `evidence` and `notes`: what its new result is
//!   derived from. Its stored `phenotypes` and `activity_scores` are read
//!   beside it.
//! - A drug result's key keeps the fields [`super::stored::StoredDrug`]
//!   reads but `non_answers`, and of each match the fields
//!   [`super::stored::StoredMatch`] reads but `candidates` (the diplotype
//!   names it matched for): what the comparison reads of it.
//!
//! Equal keys give equal results, so the keys index the caches; a key is
//! itself JSON, read into the result when the cache has no entry for it.
//! Anything the one pass does not expect (a key written with escapes, a
//! field of the wrong type, a missing header field) gives `None`, and the
//! caller reads the report the full way.

use std::ops::Range;

/// One stored report's parts, with the key texts in a separate buffer.
#[derive(Debug, Default)]
pub(crate) struct Keyed {
    pub(crate) schema_version: u32,
    pub(crate) engine_version: String,
    pub(crate) packs_release: String,
    pub(crate) sample: String,
    pub(crate) genes: Vec<KeyedGene>,
    /// Each drug result's key, as a range of the key buffer.
    pub(crate) drugs: Vec<Range<usize>>,
}

/// A gene entry: its symbol, key and stored phenotypes.
#[derive(Debug, Default)]
pub(crate) struct KeyedGene {
    pub(crate) gene: String,
    pub(crate) key: Range<usize>,
    pub(crate) phenotypes: Vec<String>,
    pub(crate) activity_scores: Vec<String>,
}

/// The fields of a drug result a key keeps: those
/// [`super::stored::StoredDrug`] reads, but its `non_answers`.
const DRUG_FIELDS: &[&[u8]] = &[
    b"drug",
    b"source",
    b"release",
    b"guideline_id",
    b"guideline_name",
    b"guideline_version",
    b"url",
    b"genes",
    b"matches",
    b"actionable",
];

/// The fields of a matched row a key keeps: those
/// [`super::stored::StoredMatch`] reads, but its `candidates`.
const MATCH_FIELDS: &[&[u8]] = &[
    b"id",
    b"population",
    b"strength",
    b"action",
    b"dose",
    b"alternatives",
    b"lookup",
    b"summary",
    b"facts",
];

/// Nesting deeper than this is not expected of a report.
const DEEPEST: usize = 64;

/// Reads `text`, writing the key texts into `keys` (cleared first);
/// `None` when the report is not of the expected shape.
///
/// The parts kept (the header, the keys, the stored phenotypes) are read
/// as JSON by `serde_json`, here or when a key is read. The parts left out
/// are only checked for their structure (brackets, strings, separators),
/// not for the letters of their strings or numbers: no result depends on
/// them.
pub(crate) fn read(text: &[u8], keys: &mut Vec<u8>) -> Option<Keyed> {
    #[derive(serde::Deserialize)]
    struct Input {
        sample: String,
    }
    keys.clear();
    let mut c = Cursor { b: text, i: 0 };
    let (mut version, mut engine, mut release, mut sample) = (None, None, None, None);
    let (mut genes, mut drugs) = (None, None);
    c.object(0, |c, name| {
        match name {
            b"schema_version" => version = Some(c.parse::<u32>()?),
            b"engine_version" => engine = Some(c.parse::<String>()?),
            b"packs_release" => release = Some(c.parse::<String>()?),
            b"input" => sample = Some(c.parse::<Input>()?.sample),
            b"genes" => {
                let mut list = Vec::new();
                c.array(1, |c| {
                    list.push(gene(c, keys)?);
                    Some(())
                })?;
                genes = Some(list);
            }
            b"drugs" => {
                let mut list = Vec::new();
                c.array(1, |c| {
                    let start = keys.len();
                    object_of(
                        c,
                        keys,
                        Pick::Only(DRUG_FIELDS),
                        Some((b"matches", Pick::Only(MATCH_FIELDS))),
                    )?;
                    list.push(start..keys.len());
                    Some(())
                })?;
                drugs = Some(list);
            }
            _ => c.skip(1)?,
        }
        Some(())
    })?;
    c.ws();
    if c.i != text.len() {
        return None;
    }
    Some(Keyed {
        schema_version: version?,
        engine_version: engine?,
        packs_release: release?,
        sample: sample?,
        genes: genes?,
        drugs: drugs?,
    })
}

/// A gene entry (see the module notes).
fn gene(c: &mut Cursor<'_>, keys: &mut Vec<u8>) -> Option<KeyedGene> {
    let mut out = KeyedGene {
        key: keys.len()..keys.len(),
        ..KeyedGene::default()
    };
    keys.push(b'{');
    let mut first = true;
    c.object(2, |c, name| {
        match name {
            b"phenotypes" => out.phenotypes = c.parse()?,
            b"activity_scores" => out.activity_scores = c.parse()?,
            b"gene" | b"source" | b"call" | b"outside" => {
                field_name(keys, name, &mut first);
                c.ws();
                if name == b"call" && c.peek()? == b'{' {
                    object_of(c, keys, Pick::Without(&[b"evidence", b"notes"]), None)?;
                } else {
                    let raw = c.value(2)?;
                    if name == b"gene" {
                        out.gene = serde_json::from_slice(raw).ok()?;
                    }
                    keys.extend_from_slice(raw);
                }
            }
            _ => c.skip(2)?,
        }
        Some(())
    })?;
    keys.push(b'}');
    out.key.end = keys.len();
    Some(out)
}

/// Writes `"name":`, after a comma unless it is the first field.
fn field_name(keys: &mut Vec<u8>, name: &[u8], first: &mut bool) {
    if !*first {
        keys.push(b',');
    }
    *first = false;
    keys.push(b'"');
    keys.extend_from_slice(name);
    keys.extend_from_slice(b"\":");
}

/// Which fields of an object a key keeps.
#[derive(Clone, Copy)]
enum Pick {
    /// These.
    Only(&'static [&'static [u8]]),
    /// All but these.
    Without(&'static [&'static [u8]]),
}

impl Pick {
    fn keeps(self, name: &[u8]) -> bool {
        match self {
            Pick::Only(names) => names.iter().any(|n| same(n, name)),
            Pick::Without(names) => !names.iter().any(|n| same(n, name)),
        }
    }
}

/// Equal names (most differ in length or first letter: no comparison of
/// the rest is needed).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a == b
}

/// Writes the object at the cursor with the fields `pick` keeps; the field
/// `nested` names a list of objects, each written with the fields its pick
/// keeps.
fn object_of(
    c: &mut Cursor<'_>,
    keys: &mut Vec<u8>,
    pick: Pick,
    nested: Option<(&[u8], Pick)>,
) -> Option<()> {
    keys.push(b'{');
    let mut first = true;
    c.object(3, |c, name| {
        if !pick.keeps(name) {
            return c.skip(3);
        }
        field_name(keys, name, &mut first);
        match nested {
            Some((field, inner)) if field == name => {
                keys.push(b'[');
                let mut first = true;
                c.array(4, |c| {
                    if !first {
                        keys.push(b',');
                    }
                    first = false;
                    object_of(c, keys, inner, None)
                })?;
                keys.push(b']');
            }
            _ => keys.extend_from_slice(c.value(3)?),
        }
        Some(())
    })?;
    keys.push(b'}');
    Some(())
}

/// A place in the text.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        (self.peek()? == byte).then(|| self.i += 1)
    }

    /// A string's letters as written (escapes kept), the cursor after it.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let end = closing_quote(self.b, start)?;
        self.i = end + 1;
        Some(&self.b[start..end])
    }

    /// A field name: a string written without escapes.
    fn name(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let end = quote_or_escape(self.b, start)?;
        if self.b[end] != b'"' {
            return None;
        }
        self.i = end + 1;
        Some(&self.b[start..end])
    }

    /// An object, each field given to `each` with the cursor at its value
    /// (a field name written with escapes is not expected).
    fn object(
        &mut self,
        depth: usize,
        mut each: impl FnMut(&mut Self, &'a [u8]) -> Option<()>,
    ) -> Option<()> {
        if depth > DEEPEST {
            return None;
        }
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let name = self.name()?;
            self.eat(b':')?;
            each(self, name)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A list, `each` called with the cursor at each element.
    fn array(&mut self, depth: usize, mut each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        if depth > DEEPEST {
            return None;
        }
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            each(self)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Past one value. An object or list is passed by its brackets and
    /// strings alone.
    fn skip(&mut self, depth: usize) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let (b, mut i, mut open) = (self.b, self.i, 0usize);
                loop {
                    let byte = *b.get(i)?;
                    i += 1;
                    match byte {
                        b'"' => i = closing_quote(b, i)? + 1,
                        b'{' | b'[' => {
                            open += 1;
                            if depth + open > DEEPEST {
                                return None;
                            }
                        }
                        // `}` closes only `{`, `]` only `[`: checked when
                        // the key texts are read; here, the count.
                        b'}' | b']' => {
                            open -= 1;
                            if open == 0 {
                                self.i = i;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {
                let start = self.i;
                while let Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'+' | b'-' | b'.') =
                    self.b.get(self.i)
                {
                    self.i += 1;
                }
                (self.i > start).then_some(())
            }
        }
    }

    /// One value's text as written.
    fn value(&mut self, depth: usize) -> Option<&'a [u8]> {
        self.ws();
        let start = self.i;
        self.skip(depth)?;
        Some(&self.b[start..self.i])
    }

    /// One value, read as JSON.
    fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        serde_json::from_slice(self.value(2)?).ok()
    }
}

/// The place of the quote that closes a string whose letters start at
/// `from` (escaped quotes passed).
fn closing_quote(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        i = quote_or_escape(b, i)?;
        if b[i] == b'"' {
            return Some(i);
        }
        i += 2;
    }
}

/// Ones in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that equals `byte`.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    // A byte's high bit is set in `(x & !HIGH) + !HIGH` unless its low
    // seven bits are zero, and in `x` when its own high bit is: neither,
    // only for a zero byte (and no carry crosses bytes).
    !(((x & !HIGH) + !HIGH) | x) & HIGH
}

/// The first quote or backslash at or after `from`. Most strings are
/// short: the first bytes are looked at eight at a time, the rest by a
/// fast search.
fn quote_or_escape(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let near = from.saturating_add(32);
    while i < near {
        let Some(chunk) = b.get(i..i + 8) else { break };
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let found = bytes_equal(word, b'"') | bytes_equal(word, b'\\');
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    memchr::memchr2(b'"', b'\\', b.get(i..)?).map(|at| i + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_leave_out_what_no_result_depends_on() {
        let text = br#"{
          "schema_version": 3, "engine_version": "0.1.0", "packs_release": "r1",
          "packs_sha256": "x", "input": {"sample": "S1", "source": "a.vcf"},
          "genes": [{"gene": "TPMT", "source": "vcf", "phenotypes": ["Normal Metabolizer"],
                     "call": {"gene": "TPMT", "diplotypes": [], "notes": ["n"],
                              "evidence": {"positions_used": [1, 2]}},
                     "interpretation": {"x": 1}},
                    {"gene": "HLA-B", "source": "outside", "call": null,
                     "outside": [{"call": {"gene": "HLA-B"}}]}],
          "drugs": [{"drug": "a", "matches": [{"id": "r", "candidates": ["*1/*2"], "x": 1}],
                     "non_answers": [{"y": 2}], "warnings": []}],
          "warnings": []
        }"#;
        let mut keys = Vec::new();
        let k = read(text, &mut keys).unwrap();
        let key = |r: &Range<usize>| std::str::from_utf8(&keys[r.clone()]).unwrap().to_string();
        assert_eq!((k.schema_version, k.sample.as_str()), (3, "S1"));
        assert_eq!(k.genes[0].gene, "TPMT");
        assert_eq!(k.genes[0].phenotypes, ["Normal Metabolizer"]);
        assert_eq!(
            key(&k.genes[0].key),
            r#"{"gene":"TPMT","source":"vcf","call":{"gene":"TPMT","diplotypes":[]}}"#
        );
        assert_eq!(
            key(&k.genes[1].key),
            r#"{"gene":"HLA-B","source":"outside","call":null,"outside":[{"call": {"gene": "HLA-B"}}]}"#
        );
        assert_eq!(key(&k.drugs[0]), r#"{"drug":"a","matches":[{"id":"r"}]}"#);
    }

    /// The fields a drug key keeps are those a stored drug result reads
    /// (a field added to it must be added here, or results that differ in
    /// it would share a cache entry).
    #[test]
    fn keys_keep_what_stored_drugs_read() {
        let drug: crate::report::stored::StoredDrug = serde_json::from_str(
            r#"{"drug": "a", "source": "cpic", "release": "r", "guideline_id": "g",
                "guideline_version": "1", "matches": [{"id": "x", "action": "standard_dosing"}]}"#,
        )
        .unwrap();
        let value = serde_json::to_value(&drug).unwrap();
        let names = |v: &serde_json::Value| -> Vec<String> {
            v.as_object().unwrap().keys().cloned().collect()
        };
        let listed = |l: &[&[u8]], left_out: &str| -> Vec<String> {
            let mut v: Vec<String> = l
                .iter()
                .map(|n| String::from_utf8(n.to_vec()).unwrap())
                .collect();
            v.push(left_out.to_string());
            v.sort();
            v
        };
        let mut drug_names = names(&value);
        drug_names.sort();
        assert_eq!(drug_names, listed(DRUG_FIELDS, "non_answers"));
        let mut match_names = names(&value["matches"][0]);
        match_names.sort();
        assert_eq!(match_names, listed(MATCH_FIELDS, "candidates"));
    }

    #[test]
    fn unexpected_shapes_give_none() {
        let mut keys = Vec::new();
        // A list of reports, a missing header field, an escaped key, text
        // after the object, not JSON.
        for text in [
            &br#"[{"schema_version": 3}]"#[..],
            br#"{"schema_version": 3, "genes": [], "drugs": []}"#,
            br#"{"schema_version": 3, "engine_version": "v", "packs_release": "r",
                 "input": {"sample": "S"}, "genes": [], "drugs": [{"dr\u0075g": "a"}]}"#,
            br#"{"schema_version": 3, "engine_version": "v", "packs_release": "r",
                 "input": {"sample": "S"}, "genes": [], "drugs": []} x"#,
            b"not json",
        ] {
            assert!(
                read(text, &mut keys).is_none(),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        // Cut anywhere, a report is refused, never a panic.
        let whole = br#"{"schema_version": 3, "engine_version": "v", "packs_release": "r",
                 "input": {"sample": "S\\"}, "genes": [{"gene": "A", "call": {"x": [1, {"y": "\\"}]}}],
                 "drugs": [{"drug": "a", "matches": [{"id": "r\"]"}]}]}"#;
        assert!(read(whole, &mut keys).is_some());
        for end in 0..whole.len() - 1 {
            assert!(read(&whole[..end], &mut keys).is_none(), "{end}");
        }
        let ok = br#"{"schema_version": 3, "engine_version": "v", "packs_release": "r",
                 "input": {"sample": "S"}, "genes": [], "drugs": []}"#;
        assert!(read(ok, &mut keys).is_some());
    }
}
