//! Name ordering shared by every stage: allele, diplotype and key names
//! sort in natural order, so `*2` comes before `*10`.

use std::cmp::Ordering;

/// Natural order of allele names: digit runs compare as numbers
/// (`*2` < `*10`, `*3A` < `*3B`), the rest as text.
///
/// ```
/// use std::cmp::Ordering;
/// assert_eq!(dosera::names::natural_cmp("*2", "*10"), Ordering::Less);
/// assert_eq!(dosera::names::natural_cmp("*1x2", "*1"), Ordering::Greater);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let dx = x.bytes().take_while(u8::is_ascii_digit).count();
        let dy = y.bytes().take_while(u8::is_ascii_digit).count();
        if dx > 0 && dy > 0 {
            let nx = x[..dx].trim_start_matches('0');
            let ny = y[..dy].trim_start_matches('0');
            let ord = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny));
            if ord != Ordering::Equal {
                return ord;
            }
            x = &x[dx..];
            y = &y[dy..];
        } else {
            let cx = x.chars().next().unwrap_or('\0');
            let cy = y.chars().next().unwrap_or('\0');
            if cx != cy {
                return cx.cmp(&cy);
            }
            x = &x[cx.len_utf8()..];
            y = &y[cy.len_utf8()..];
        }
    }
}
