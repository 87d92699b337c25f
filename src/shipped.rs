//! The tools that ship inside the binary, from data/tools/.

pub const TOOLS: &[&str] = &[
    include_str!("../data/tools/curriculum-sequencing.toml"),
    include_str!("../data/tools/behaviour-attendance.toml"),
    include_str!("../data/tools/send-pastoral.toml"),
    include_str!("../data/tools/self-evaluation-quality.toml"),
    include_str!("../data/tools/parents-agencies.toml"),
    include_str!("../data/tools/scotland-quality-indicators.toml"),
    include_str!("../data/tools/england-inspection-2025.toml"),
];
