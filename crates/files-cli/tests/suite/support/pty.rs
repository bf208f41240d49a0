//! Running the binary on a real terminal: a pseudo-terminal whose other side
//! the test reads, so the program sees `isatty` on stdin, stdout and stderr.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::fs::{Mode, OFlags};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};

/// The most a run may print before the reader stops keeping it.
const MAX_OUTPUT: usize = 1024 * 1024;

/// What a terminal showed, `\r\n` folded to `\n` (the terminal's own line
/// discipline adds the `\r`), and how the program ended.
pub struct OnTerminal {
    pub screen: String,
    pub status: ExitStatus,
}

/// Runs `cmd` with its stdin, stdout and stderr on one 100×30 pseudo-terminal
/// and returns everything it printed. The program is killed after 30 s.
pub fn run_on_terminal(mut cmd: Command) -> OnTerminal {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let size = Winsize {
        ws_row: 30,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    tcsetwinsize(&master, size).unwrap();
    let terminal = rustix::fs::open(&name, OFlags::RDWR | OFlags::NOCTTY, Mode::empty()).unwrap();
    cmd.stdin(Stdio::from(terminal.try_clone().unwrap()))
        .stdout(Stdio::from(terminal.try_clone().unwrap()))
        .stderr(Stdio::from(terminal));
    let mut child = cmd.spawn().unwrap();
    // The parent's copies of the terminal side go with `cmd`: once the child
    // exits, reading the master ends (EIO).
    drop(cmd);

    let mut master = std::fs::File::from(master);
    let reader = std::thread::spawn(move || {
        let mut screen = Vec::new();
        let mut chunk = [0u8; 8192];
        while let Ok(n @ 1..) = master.read(&mut chunk) {
            if screen.len() < MAX_OUTPUT {
                screen.extend_from_slice(&chunk[..n]);
            }
        }
        screen
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let screen = reader.join().unwrap();
    OnTerminal {
        screen: String::from_utf8_lossy(&screen).replace("\r\n", "\n"),
        status,
    }
}
