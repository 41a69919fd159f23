//! The RFC 9293 state diagram (section 3.3.2, figure 5) as drawable data: the
//! boxes and edges of `assets/tcp/state-diagram.toml`, laid out for a few sizes,
//! turned into cells once. Drawing (which edge is lit, in which weight) is
//! `machine.rs`; this module only knows the geometry.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::net::tcp::TcpState;

const SOURCE: &str = include_str!("../../../assets/tcp/state-diagram.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    layout: Vec<RawLayout>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    name: String,
    width: u16,
    height: u16,
    #[serde(default = "three")]
    box_h: u16,
    boxes: Vec<RawBox>,
    #[serde(default)]
    edge: Vec<RawEdge>,
}

fn three() -> u16 {
    3
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBox {
    id: String,
    state: String,
    name: Option<String>,
    x: u16,
    y: u16,
    w: u16,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdge {
    from: String,
    to: String,
    path: Vec<[u16; 2]>,
    label: Option<RawLabel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabel {
    x: u16,
    y: u16,
    lines: Vec<String>,
}

/// A direction of travel along an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
    Left,
    Right,
}

impl Dir {
    /// The connection bit of a line cell toward this side.
    pub fn bit(self) -> u8 {
        match self {
            Dir::Up => UP,
            Dir::Down => DOWN,
            Dir::Left => LEFT,
            Dir::Right => RIGHT,
        }
    }

    fn opposite(self) -> Dir {
        match self {
            Dir::Up => Dir::Down,
            Dir::Down => Dir::Up,
            Dir::Left => Dir::Right,
            Dir::Right => Dir::Left,
        }
    }

    fn step(self, (x, y): (i32, i32)) -> (i32, i32) {
        match self {
            Dir::Up => (x, y - 1),
            Dir::Down => (x, y + 1),
            Dir::Left => (x - 1, y),
            Dir::Right => (x + 1, y),
        }
    }

    fn between(a: (i32, i32), b: (i32, i32)) -> Option<Dir> {
        match (b.0 - a.0, b.1 - a.1) {
            (0, dy) if dy < 0 => Some(Dir::Up),
            (0, dy) if dy > 0 => Some(Dir::Down),
            (dx, 0) if dx < 0 => Some(Dir::Left),
            (dx, 0) if dx > 0 => Some(Dir::Right),
            _ => None,
        }
    }
}

/// Line connection bits of a cell.
pub const UP: u8 = 1;
pub const DOWN: u8 = 2;
pub const LEFT: u8 = 4;
pub const RIGHT: u8 = 8;

/// What one cell of an edge shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A line joining the sides in the bit mask.
    Line(u8),
    /// The arrowhead, pointing into the target state.
    Head(Dir),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeCell {
    pub x: u16,
    pub y: u16,
    pub shape: Shape,
}

/// One state's box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateBox {
    pub state: TcpState,
    /// The name drawn (the RFC name, or its abbreviation in small layouts).
    pub name: String,
    pub x: u16,
    pub y: u16,
    pub w: u16,
    /// 3 (a framed box) or 1 (`[NAME]`).
    pub h: u16,
}

impl StateBox {
    fn contains(&self, (x, y): (i32, i32)) -> bool {
        let (bx, by) = (i32::from(self.x), i32::from(self.y));
        x >= bx && x < bx + i32::from(self.w) && y >= by && y < by + i32::from(self.h)
    }
}

/// One transition of the diagram, from box to box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Indices into [`Figure::boxes`].
    pub from: usize,
    pub to: usize,
    pub cells: Vec<EdgeCell>,
    /// The border cell of a framed `from` box where the edge leaves it, and the
    /// direction it leaves in (drawn as a junction, e.g. `┴`).
    pub junction: Option<(u16, u16, Dir)>,
    /// The event / action label, one string per row, at its top-left cell.
    pub label: Option<(u16, u16, Vec<String>)>,
}

/// The diagram laid out for one size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub name: String,
    pub width: u16,
    pub height: u16,
    pub boxes: Vec<StateBox>,
    pub edges: Vec<Edge>,
}

impl Figure {
    /// The edge from `from` to `to`, if the diagram draws one.
    pub fn edge(&self, from: TcpState, to: TcpState) -> Option<&Edge> {
        self.edges
            .iter()
            .find(|e| self.boxes[e.from].state == from && self.boxes[e.to].state == to)
    }
}

/// Every shipped layout, largest first; an error names the layout and edge.
pub fn figures() -> Result<&'static [Figure], &'static str> {
    static FIGURES: LazyLock<Result<Vec<Figure>, String>> = LazyLock::new(|| parse(SOURCE));
    match &*FIGURES {
        Ok(figures) => Ok(figures),
        Err(e) => Err(e),
    }
}

fn state_named(name: &str) -> Option<TcpState> {
    TcpState::from_name(name)
}

fn parse(source: &str) -> Result<Vec<Figure>, String> {
    let raw: RawFile = toml::from_str(source).map_err(|e| e.message().to_string())?;
    let mut figures: Vec<Figure> = raw
        .layout
        .into_iter()
        .map(build)
        .collect::<Result<_, _>>()?;
    figures.sort_by_key(|f| std::cmp::Reverse(u32::from(f.width) * u32::from(f.height)));
    Ok(figures)
}

fn build(raw: RawLayout) -> Result<Figure, String> {
    let layout = raw.name.clone();
    let mut boxes = Vec::new();
    let mut ids = Vec::new();
    for b in &raw.boxes {
        let state = state_named(&b.state)
            .ok_or_else(|| format!("{layout}: box {}: unknown state {}", b.id, b.state))?;
        let name = b.name.clone().unwrap_or_else(|| state.name().to_string());
        if crate::ui::text::width(&name) + 2 > usize::from(b.w) {
            return Err(format!(
                "{layout}: box {}: '{name}' is wider than the box",
                b.id
            ));
        }
        if b.x + b.w > raw.width || b.y + raw.box_h > raw.height {
            return Err(format!("{layout}: box {} is outside the layout", b.id));
        }
        ids.push(b.id.as_str());
        boxes.push(StateBox {
            state,
            name,
            x: b.x,
            y: b.y,
            w: b.w,
            h: raw.box_h,
        });
    }
    let index = |id: &str| {
        ids.iter()
            .position(|i| *i == id)
            .ok_or_else(|| format!("{layout}: no box '{id}'"))
    };
    let mut edges = Vec::new();
    for e in &raw.edge {
        let (from, to) = (index(&e.from)?, index(&e.to)?);
        let what = format!("{layout}: edge {} → {}", e.from, e.to);
        let mut edge =
            route(&boxes[from], &boxes[to], &e.path).map_err(|m| format!("{what}: {m}"))?;
        edge.from = from;
        edge.to = to;
        edge.label = e.label.as_ref().map(|l| (l.x, l.y, l.lines.clone()));
        let outside = |(x, y): (u16, u16)| x >= raw.width || y >= raw.height;
        if edge.cells.iter().any(|c| outside((c.x, c.y))) {
            return Err(format!("{what}: leaves the layout"));
        }
        edges.push(edge);
    }
    Ok(Figure {
        name: raw.name,
        width: raw.width,
        height: raw.height,
        boxes,
        edges,
    })
}

/// The cells of the path `points` from box `from` into box `to`.
fn route(from: &StateBox, to: &StateBox, points: &[[u16; 2]]) -> Result<Edge, String> {
    let pts: Vec<(i32, i32)> = points
        .iter()
        .map(|[x, y]| (i32::from(*x), i32::from(*y)))
        .collect();
    let first = *pts.first().ok_or("an empty path")?;
    // The border cell the edge starts from: behind the first point.
    let neighbours = [Dir::Up, Dir::Down, Dir::Left, Dir::Right]
        .map(|d| (d, d.step(first)))
        .into_iter()
        .filter(|(_, c)| from.contains(*c));
    let start = match pts.get(1) {
        Some(next) => {
            let d = Dir::between(first, *next).ok_or("a diagonal step")?;
            neighbours
                .clone()
                .find(|(_, c)| *c == d.opposite().step(first))
                .or_else(|| neighbours.clone().next())
        }
        None => neighbours
            .clone()
            .find(|(d, _)| to.contains(d.opposite().step(first))),
    }
    .map(|(_, c)| c)
    .ok_or("the first point is not next to its box")?;
    let mut cells: Vec<((i32, i32), Dir)> = Vec::new();
    let mut at = start;
    for &p in std::iter::once(&first).chain(pts.iter().skip(1)) {
        let d = Dir::between(at, p).ok_or("a diagonal step")?;
        while at != p {
            at = d.step(at);
            cells.push((at, d));
        }
    }
    let &(head, dir) = cells.last().ok_or("no cells")?;
    if !to.contains(dir.step(head)) {
        return Err("the arrowhead does not point into its box".into());
    }
    let cell = |(x, y): (i32, i32), shape| -> Result<EdgeCell, String> {
        Ok(EdgeCell {
            x: u16::try_from(x).map_err(|_| "a negative x")?,
            y: u16::try_from(y).map_err(|_| "a negative y")?,
            shape,
        })
    };
    let mut out = Vec::new();
    for (i, &(p, d)) in cells.iter().enumerate() {
        let shape = match cells.get(i + 1) {
            Some(&(_, next)) => Shape::Line(d.opposite().bit() | next.bit()),
            None => Shape::Head(d),
        };
        out.push(cell(p, shape)?);
    }
    let leave = Dir::between(start, first).ok_or("a diagonal step")?;
    let junction = (from.h > 1)
        .then(|| cell(start, Shape::Line(0)).map(|c| (c.x, c.y, leave)))
        .transpose()?;
    Ok(Edge {
        from: 0,
        to: 0,
        cells: out,
        junction,
        label: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::tcp::TcpEvent;

    /// The edges of RFC 9293's figure 5, as (from, to).
    const RFC_FIGURE: [(TcpState, TcpState); 20] = {
        use TcpState::*;
        [
            (Closed, Listen),
            (Listen, Closed),
            (Closed, SynSent),
            (SynSent, Closed),
            (Listen, SynSent),
            (Listen, SynReceived),
            (SynReceived, Listen),
            (SynSent, SynReceived),
            (SynReceived, Established),
            (SynReceived, FinWait1),
            (SynSent, Established),
            (Established, FinWait1),
            (Established, CloseWait),
            (FinWait1, FinWait2),
            (FinWait1, Closing),
            (CloseWait, LastAck),
            (FinWait2, TimeWait),
            (Closing, TimeWait),
            (LastAck, Closed),
            (TimeWait, Closed),
        ]
    };

    #[test]
    fn every_layout_draws_the_whole_rfc_figure() {
        let figures = figures().unwrap();
        assert!(figures.len() >= 3, "three sizes at least");
        for f in figures {
            for state in TcpState::ALL {
                assert!(
                    f.boxes.iter().any(|b| b.state == state),
                    "{}: no box for {state}",
                    f.name
                );
            }
            for (from, to) in RFC_FIGURE {
                assert!(
                    f.edge(from, to).is_some(),
                    "{}: no edge {from} → {to}",
                    f.name
                );
            }
            assert_eq!(f.edges.len(), RFC_FIGURE.len(), "{}: extra edges", f.name);
        }
    }

    #[test]
    fn every_drawn_edge_is_a_transition_of_the_state_table() {
        for f in figures().unwrap() {
            for e in &f.edges {
                let (from, to) = (f.boxes[e.from].state, f.boxes[e.to].state);
                assert!(
                    TcpEvent::ALL
                        .iter()
                        .any(|ev| from.next(*ev).is_ok_and(|t| t.to == to)),
                    "{}: {from} → {to} is drawn but the state table has no such transition",
                    f.name
                );
            }
        }
    }

    #[test]
    fn edges_labels_and_boxes_never_overlap_except_at_crossings() {
        for f in figures().unwrap() {
            let mut grid = vec![vec![' '; usize::from(f.width)]; usize::from(f.height)];
            for b in &f.boxes {
                for y in b.y..b.y + b.h {
                    for x in b.x..b.x + b.w {
                        grid[usize::from(y)][usize::from(x)] = 'B';
                    }
                }
            }
            let mut lines = vec![vec![0u8; usize::from(f.width)]; usize::from(f.height)];
            for e in &f.edges {
                for c in &e.cells {
                    let (x, y) = (usize::from(c.x), usize::from(c.y));
                    assert_ne!(
                        grid[y][x], 'B',
                        "{}: an edge runs through a box at {x},{y}",
                        f.name
                    );
                    let bits = match c.shape {
                        Shape::Line(b) => b,
                        Shape::Head(_) => 0xF0,
                    };
                    // Two edges may share a cell only where a straight vertical
                    // line crosses a straight horizontal one.
                    let crossing =
                        matches!((lines[y][x], bits), (0b0011, 0b1100) | (0b1100, 0b0011));
                    assert!(
                        lines[y][x] == 0 || crossing,
                        "{}: edges overlap at {x},{y}",
                        f.name
                    );
                    lines[y][x] |= bits;
                }
                if let Some((lx, ly, text)) = &e.label {
                    for (row, line) in text.iter().enumerate() {
                        let y = usize::from(*ly) + row;
                        for x in usize::from(*lx)..usize::from(*lx) + line.chars().count() {
                            assert!(
                                x < usize::from(f.width),
                                "{}: label '{line}' too wide",
                                f.name
                            );
                            assert!(
                                grid[y][x] == ' ' && lines[y][x] == 0,
                                "{}: label '{line}' covers something at {x},{y}",
                                f.name
                            );
                            grid[y][x] = 'L';
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_broken_layout_is_an_error_naming_the_edge() {
        let bad = r#"
[[layout]]
name = "t"
width = 20
height = 9
boxes = [
  { id = "a", state = "CLOSED", x = 0, y = 0, w = 10 },
  { id = "b", state = "LISTEN", x = 0, y = 6, w = 10 },
]
edge = [ { from = "a", to = "b", path = [[3,3],[3,4]] } ]
"#;
        let err = parse(bad).unwrap_err();
        assert_eq!(
            err,
            "t: edge a → b: the arrowhead does not point into its box"
        );
        assert!(
            parse(&bad.replace("LISTEN", "LISTENING"))
                .unwrap_err()
                .contains("unknown state")
        );
    }
}
