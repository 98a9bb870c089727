//! A small map stored as one vector of pairs sorted by key.
//!
//! The packs hold thousands of tiny maps (a recommendation's lookup keys, a
//! position's CPIC-to-VCF alleles, a named allele's defined positions). A
//! `BTreeMap` allocates a node sized for eleven entries for each; this type
//! allocates one vector sized for what it holds, which makes loading the
//! bundled packs cheaper. It reads and writes the same JSON objects.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};

/// A map kept as `(key, value)` pairs sorted by key, each key at most once.
/// Iterates, compares and prints like a [`BTreeMap`] with the same entries;
/// (de)serializes as a map. Reading a map with a repeated key is an error.
///
/// ```
/// use dosera::pack::SortedMap;
/// let m: SortedMap<String, u32> = [("b".to_string(), 2), ("a".to_string(), 1)]
///     .into_iter()
///     .collect();
/// assert_eq!(m.get("a"), Some(&1));
/// assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":1,"b":2}"#);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SortedMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// An empty map.
    ///
    /// ```
    /// let m = dosera::pack::SortedMap::<String, String>::new();
    /// assert!(m.is_empty());
    /// ```
    pub fn new() -> Self {
        SortedMap(Vec::new())
    }

    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`, if present.
    ///
    /// ```
    /// let m: dosera::pack::SortedMap<u64, &str> = [(7, "x")].into_iter().collect();
    /// assert_eq!(m.get(&7), Some(&"x"));
    /// assert_eq!(m.get(&8), None);
    /// ```
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// True when `key` is present.
    ///
    /// ```
    /// let m: dosera::pack::SortedMap<u64, &str> = [(7, "x")].into_iter().collect();
    /// assert!(m.contains_key(&7));
    /// ```
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Inserts `value` under `key`, returning the value it replaces.
    ///
    /// ```
    /// let mut m = dosera::pack::SortedMap::new();
    /// assert_eq!(m.insert(2, "b"), None);
    /// assert_eq!(m.insert(2, "c"), Some("b"));
    /// assert_eq!(m.len(), 1);
    /// ```
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The entries in key order.
    ///
    /// ```
    /// let m: dosera::pack::SortedMap<u64, &str> = [(2, "b"), (1, "a")].into_iter().collect();
    /// assert_eq!(m.iter().next(), Some((&1, &"a")));
    /// ```
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.0.iter())
    }

    /// The keys in order.
    ///
    /// ```
    /// let m: dosera::pack::SortedMap<u64, &str> = [(2, "b"), (1, "a")].into_iter().collect();
    /// assert_eq!(m.keys().copied().collect::<Vec<_>>(), [1, 2]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    ///
    /// ```
    /// let m: dosera::pack::SortedMap<u64, &str> = [(2, "b"), (1, "a")].into_iter().collect();
    /// assert_eq!(m.values().copied().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    /// The entry with the largest key.
    ///
    /// ```
    /// let m: dosera::pack::SortedMap<u64, &str> = [(2, "b"), (1, "a")].into_iter().collect();
    /// assert_eq!(m.last_key_value(), Some((&2, &"b")));
    /// ```
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.0.last().map(|(k, v)| (k, v))
    }

    /// Number of entries.
    ///
    /// ```
    /// let m: dosera::pack::SortedMap<u64, &str> = [(1, "a")].into_iter().collect();
    /// assert_eq!(m.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    ///
    /// ```
    /// assert!(dosera::pack::SortedMap::<u64, u64>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts pairs gathered in any order; of repeated keys the last wins
    /// (as when inserting one by one). Also returns the first key found
    /// repeated, if any.
    fn from_pairs(mut pairs: Vec<(K, V)>) -> (Self, Option<K>) {
        let mut repeated = None;
        if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: equal keys keep their order, so the last is the newest.
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out: Vec<(K, V)> = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                match out.last_mut() {
                    Some(last) if last.0 == k => {
                        last.1 = v;
                        if repeated.is_none() {
                            repeated = Some(k);
                        }
                    }
                    _ => out.push((k, v)),
                }
            }
            pairs = out;
        }
        (SortedMap(pairs), repeated)
    }
}

/// Iterator over the entries of a [`SortedMap`], in key order.
///
/// ```
/// use dosera::pack::{SortedMap, SortedMapIter};
/// let m: SortedMap<u64, &str> = [(2, "b"), (1, "a")].into_iter().collect();
/// let it: SortedMapIter<'_, u64, &str> = m.iter();
/// assert_eq!(it.rev().map(|(k, _)| *k).collect::<Vec<_>>(), [2, 1]);
/// ```
#[derive(Debug, Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

impl<'a, K: Ord, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        SortedMap::from_pairs(iter.into_iter().collect()).0
    }
}

impl<K: Ord, V> From<BTreeMap<K, V>> for SortedMap<K, V> {
    fn from(map: BTreeMap<K, V>) -> Self {
        SortedMap(map.into_iter().collect())
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de, K, V> Deserialize<'de> for SortedMap<K, V>
where
    K: Deserialize<'de> + Ord + fmt::Debug,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K, V> Visitor<'de> for MapVisitor<K, V>
        where
            K: Deserialize<'de> + Ord + fmt::Debug,
            V: Deserialize<'de>,
        {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(entry) = map.next_entry()? {
                    pairs.push(entry);
                }
                match SortedMap::from_pairs(pairs) {
                    (map, None) => Ok(map),
                    (_, Some(k)) => Err(serde::de::Error::custom(format!(
                        "key {k:?} given more than once"
                    ))),
                }
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_btreemap() {
        let pairs = [(3, "c"), (1, "a"), (2, "b"), (1, "z")];
        let b: BTreeMap<i32, &str> = pairs.into_iter().collect();
        let s: SortedMap<i32, &str> = pairs.into_iter().collect();
        assert_eq!(format!("{b:?}"), format!("{s:?}"));
        assert!(b.iter().eq(s.iter()));
        assert_eq!(SortedMap::from(b.clone()), s);
        let other: SortedMap<i32, &str> = [(1, "z"), (2, "c")].into_iter().collect();
        let other_b: BTreeMap<i32, &str> = other.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(s.cmp(&other), b.cmp(&other_b));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }

    #[test]
    fn reading_sorts_and_refuses_repeated_keys() {
        let m: SortedMap<String, u8> = serde_json::from_str(r#"{"b":2,"a":1}"#).unwrap();
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert!(serde_json::from_str::<SortedMap<String, u8>>(r#"{"a":1,"a":2}"#).is_err());
        assert!(serde_json::from_str::<SortedMap<String, u8>>("[1]").is_err());
    }
}
