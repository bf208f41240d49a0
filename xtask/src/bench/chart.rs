//! docs/bench-chart.png: throughput and memory against file size, per peer and direction.

use std::path::Path;

use anyhow::{Context, Result};

use super::measure::PEERS;
use super::plan::Point;

/// Throughput and memory against file size, per peer and direction.
pub(super) fn chart(path: &Path, points: &[Point]) -> Result<()> {
    use plotters::prelude::*;
    let font = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
        .iter()
        .find_map(|f| std::fs::read(f).ok())
        .context(
            "DejaVuSans.ttf is needed to label the chart (apt-get install fonts-dejavu-core)",
        )?;
    let font: &'static [u8] = Box::leak(font.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, font)
        .map_err(|_| anyhow::anyhow!("cannot load the chart font"))?;

    let root = BitMapBackend::new(path, (1400, 900)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((2, 2));
    let max_size = points.iter().map(|p| p.2).fold(1.0, f64::max);
    let colors = [
        RED,
        BLUE,
        GREEN,
        BLACK,
        MAGENTA,
        CYAN,
        RGBColor(255, 140, 0),
    ];
    for (panel, (op, metric)) in panels.iter().zip([
        ("upload", 3),
        ("download", 3),
        ("upload", 4),
        ("download", 4),
    ]) {
        let series: Vec<&(String, &str, f64, f64, f64)> =
            points.iter().filter(|p| p.0 == op).collect();
        let value =
            |p: &(String, &str, f64, f64, f64)| if metric == 3 { p.3 } else { p.4.max(0.0) };
        let max_y = series.iter().map(|p| value(p)).fold(1.0, f64::max) * 1.15;
        let title = if metric == 3 {
            format!("{op} throughput (MB/s)")
        } else {
            format!("{op} peak memory above baseline (MiB)")
        };
        let mut chart = ChartBuilder::on(panel)
            .caption(title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..max_size * 1.05, 0f64..max_y)?;
        chart.configure_mesh().x_desc("file size (MB)").draw()?;
        for (i, peer) in PEERS.iter().enumerate() {
            let mut line: Vec<(f64, f64)> = series
                .iter()
                .filter(|p| p.1 == *peer)
                .map(|p| (p.2, value(p)))
                .collect();
            if line.is_empty() {
                continue;
            }
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            let color = colors[i % colors.len()];
            chart
                .draw_series(LineSeries::new(line.clone(), color.stroke_width(2)))?
                .label(*peer)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart.draw_series(
                line.iter()
                    .map(|(x, y)| Circle::new((*x, *y), 4, color.filled())),
            )?;
        }
        let corner = if metric == 3 {
            SeriesLabelPosition::LowerLeft
        } else {
            SeriesLabelPosition::UpperLeft
        };
        chart
            .configure_series_labels()
            .position(corner)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
