//! A bounded, deterministic fuzz run for every CI build: the fixtures and
//! examples, mutated byte-wise (flips, deletions, duplications, splices of
//! Python-ish tokens), through the whole front end. The coverage-guided
//! target in `turbo-codegen/fuzz` runs the same checks for longer.

mod common;

use common::assert_invariants;
use turbo_codegen::check;

/// xorshift64*: deterministic, so a failure reproduces from its iteration.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"{x}",
    b"{x:path}",
    b"{y:int}",
    b":",
    b"/",
    b"\"",
    b"'",
    b"(",
    b")",
    b"\n",
    b"\r",
    b"\r\n",
    b"\t",
    b"@app.get(",
    b"@app.api_route(",
    b"def ",
    b"async def ",
    b"-> int",
    b"= None",
    b"| None",
    b"Optional[",
    b"]",
    b"*, ",
    b"**kw",
    b"status_code=",
    b"methods=[",
    b"\xc3\xa9",
    b"\xff",
    b"\x00",
    b"from fastapi import ",
    b"app = FastAPI()",
    b"import typing\n",
    b"    ",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let end = (at + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            3 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + rng.below(64)).min(out.len());
                let chunk = out[start..end].to_vec();
                let at = rng.below(out.len() + 1);
                out.splice(at..at, chunk);
            }
            _ => out.truncate(at),
        }
    }
    out
}

#[test]
fn mutated_apps_never_break_the_front_end() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
        .collect();
    for example in ["hello", "items", "async_app", "models"] {
        seeds.push(std::fs::read(root.join("../examples").join(example).join("app.py")).unwrap());
    }
    let mut rng = Rng(0x7475_7262_6f21);
    let iterations = 6_000;
    for iteration in 0..iterations {
        let seed = &seeds[iteration % seeds.len()];
        let input = mutate(&mut rng, seed);
        let checked = check("mutant.py", &input);
        assert_invariants(&checked, &format!("iteration {iteration}"));
    }
}
