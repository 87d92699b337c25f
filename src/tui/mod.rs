pub fn run(_s: crate::store::Store, _t: jiff::civil::Date) -> std::io::Result<()> {
    Ok(())
}
