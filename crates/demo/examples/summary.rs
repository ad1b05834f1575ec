//! Prints a summary of the demo zone: `cargo run -p jiban-demo --example summary -- [seed] [count]`.

use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let seed = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(jiban_demo::DEFAULT_SEED);
    let count = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(jiban_demo::DEFAULT_ENTERPRISE_COUNT);
    let started = Instant::now();
    let zone = jiban_demo::generate(seed, count);
    let took = started.elapsed();
    println!(
        "seed {seed}: {} units, {} enterprises, {} accounts in {took:?}",
        zone.units.len() + 1,
        zone.enterprises.len(),
        zone.accounts.len()
    );

    let mut kinds = BTreeMap::new();
    for u in zone.all_units() {
        *kinds.entry(u.kind.label()).or_insert(0) += 1;
    }
    println!("units: {kinds:?}");

    let mut sections = BTreeMap::new();
    let mut sizes = BTreeMap::new();
    let mut tags = BTreeMap::new();
    let mut streets = BTreeMap::new();
    for e in &zone.enterprises {
        *sections.entry(&e.industry_code[..1]).or_insert(0) += 1;
        *sizes.entry(e.size.label()).or_insert(0) += 1;
        for t in &e.tags {
            *tags.entry(t.as_str()).or_insert(0) += 1;
        }
        let street = jiban_demo::street_code_of(&e.grid_code).unwrap_or("?");
        *streets.entry(street).or_insert(0) += 1;
    }
    println!("sections: {sections:?}");
    println!("sizes: {sizes:?}");
    println!("tags: {tags:?}");
    println!("streets: {streets:?}");
    for e in zone.enterprises.iter().take(12) {
        println!(
            "{} {} {} {}人 {}万元 {} {} {:?} {} {} ({}, {})",
            e.uscc,
            e.name,
            e.industry_code,
            e.employees,
            e.revenue_wan,
            e.size.label(),
            e.address,
            e.tags,
            e.legal_rep,
            e.founded_on,
            e.lon,
            e.lat
        );
    }
    for a in &zone.accounts {
        println!(
            "{} {} {} {}",
            a.username,
            a.display_name,
            a.role.label(),
            a.unit_code
        );
    }
}
