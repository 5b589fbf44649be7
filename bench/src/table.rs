//! Markdown tables padded to their columns' widths, so that the report reads as a table in a terminal
//! as well as in a rendered BENCHMARKS.md.

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// `header` and `rows` as a Markdown table whose cells are padded to each column's widest cell.
pub fn markdown(header: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, (title, _))| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| cell.chars().count())
                .chain([title.chars().count(), 3])
                .max()
                .unwrap_or(3)
        })
        .collect();
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut text = line(
        header
            .iter()
            .zip(&widths)
            .map(|((title, align), width)| pad(title, *width, *align))
            .collect(),
    );
    text.push_str(&line(
        header
            .iter()
            .zip(&widths)
            .map(|((_, align), width)| rule(*width, *align))
            .collect(),
    ));
    for row in rows {
        text.push_str(&line(
            header
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, ((_, align), width))| {
                    pad(row.get(i).map_or("", String::as_str), *width, *align)
                })
                .collect(),
        ));
    }
    text
}

fn pad(cell: &str, width: usize, align: Align) -> String {
    let room = width.saturating_sub(cell.chars().count());
    match align {
        Align::Left => format!("{cell}{}", " ".repeat(room)),
        Align::Right => format!("{}{cell}", " ".repeat(room)),
        Align::Center => {
            let left = room / 2;
            format!("{}{cell}{}", " ".repeat(left), " ".repeat(room - left))
        }
    }
}

fn rule(width: usize, align: Align) -> String {
    match align {
        Align::Left => "-".repeat(width),
        Align::Right => format!("{}:", "-".repeat(width - 1)),
        Align::Center => format!(":{}:", "-".repeat(width - 2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_the_markdown_keeps_its_alignment_marks() {
        let table = markdown(
            &[
                ("name", Align::Left),
                ("req/s", Align::Right),
                ("met", Align::Center),
            ],
            &[
                vec!["point read".into(), "12345".into(), "yes".into()],
                vec!["list".into(), "7".into(), "**no**".into()],
            ],
        );
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "| name       | req/s |  met   |");
        assert_eq!(lines[1], "| ---------- | ----: | :----: |");
        assert_eq!(lines[2], "| point read | 12345 |  yes   |");
        assert_eq!(lines[3], "| list       |     7 | **no** |");
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
    }
}
