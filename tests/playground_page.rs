//! End-to-end tests of the built playground page in headless Chromium, driven through
//! chromedriver: the blog's walkthrough and a failover by clicking and typing, a share link
//! that replays to the same trace hash, a reload that keeps the session, the narrow layout,
//! and a clean browser log. Screenshots go to `target/playground-screenshots/`.
//!
//! `cargo xtask test` builds the page (`trunk build --release`) and runs these; they are
//! ignored by a plain `cargo test` because they need the page, Chromium and chromedriver.

#[path = "browser_support.rs"]
mod browser_support;

use std::time::Duration;

use browser_support::*;
use fantoccini::{Client, Locator};
use serde_json::Value;

async fn trace_hash(c: &Client) -> String {
    click(c, "button[title^='Seed, trace hash']").await;
    let hash = c
        .find(Locator::Css(".trace-hash"))
        .await
        .expect("the hash")
        .text()
        .await
        .expect("text");
    click(c, "button[title^='Seed, trace hash']").await;
    hash
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built page, Chromium and chromedriver: run `cargo xtask test`"]
async fn walkthrough_failover_share_and_reload_in_chromium() {
    let p = open_page().await;
    let (c, page) = (&p.c, p.url.clone());
    assert_eq!(
        js(c, "return document.getElementById('loading') === null;").await,
        Value::Bool(true)
    );

    // The blog's walkthrough: a redirected SET.
    type_line(c, "cluster info").await;
    until(
        c,
        "CLUSTER INFO",
        "return document.querySelectorAll('.exchange').length === 1;",
    )
    .await;
    let info = last_output(c).await;
    assert!(
        info.starts_with("cluster_state:ok\r\ncluster_slots_assigned:16384\r\n"),
        "{info:?}"
    );
    type_line(c, "set mykey myvalue").await;
    until(
        c,
        "the SET's reply",
        "return document.querySelectorAll('.exchange').length === 2;",
    )
    .await;
    assert_eq!(
        last_output(c).await,
        "-> Redirected to slot [14687] located at 127.0.0.1:7003\nOK\n"
    );

    // Tab completes, the hint shows the arguments, ↑ recalls the last line, Esc clears.
    let input = c
        .find(Locator::Id("console-input"))
        .await
        .expect("the console input");
    input.send_keys("clu\u{E004}").await.expect("Tab");
    until(
        c,
        "completion",
        "return document.getElementById('console-input').value === 'CLUSTER';",
    )
    .await;
    input
        .send_keys("\u{E00C}get ")
        .await
        .expect("Esc, then get");
    until(
        c,
        "the hint",
        "return document.querySelector('.hint-line').textContent.endsWith('key');",
    )
    .await;
    input
        .send_keys("\u{E00C}\u{E013}")
        .await
        .expect("Esc, then up");
    until(
        c,
        "history",
        "return document.getElementById('console-input').value === 'set mykey myvalue';",
    )
    .await;
    input.send_keys("\u{E00C}").await.expect("Esc");

    // A failover by clicking: kill 7003, run at 100×, watch its replica take over.
    let replica = js(c, "return [...document.querySelectorAll('.card')].find(c => c.querySelector('.role').textContent.startsWith('replica of 7003')).querySelector('.port').textContent;").await;
    let replica = replica.as_str().expect("a replica of 7003").to_string();
    click(c, "button[aria-label='Kill 7003']").await;
    set_speed(c, "100").await;
    click(c, "button.play").await;
    until(c, "the promotion", &format!(
        "return [...document.querySelectorAll('.card')].some(c => c.querySelector('.port').textContent === '{replica}' && c.querySelector('.role').textContent.startsWith('master'));"
    )).await;
    // Space pauses (the keyboard shortcut), once focus is off the console input.
    js(c, "document.activeElement.blur(); return true;").await;
    c.find(Locator::Css("body"))
        .await
        .expect("body")
        .send_keys(" ")
        .await
        .expect("space");
    until(
        c,
        "the pause",
        "return document.querySelector('button.play').textContent.includes('Play');",
    )
    .await;
    type_line(c, &format!(".connect {replica}")).await;
    type_line(c, "cluster info").await;
    until(
        c,
        "CLUSTER INFO after the failover",
        "return document.querySelectorAll('.exchange').length === 5;",
    )
    .await;
    let info = last_output(c).await;
    assert!(info.starts_with("cluster_state:ok\r\n"), "{info:?}");
    type_line(c, "get mykey").await;
    until(
        c,
        "GET",
        "return document.querySelectorAll('.exchange').length === 6;",
    )
    .await;
    assert_eq!(last_output(c).await, "\"myvalue\"\n");
    click(c, "nav.bookmarks button:nth-child(4)").await;
    until(c, "the selected promotion event", "return !!document.querySelector('.event.selected') && document.querySelectorAll('.card.highlight').length >= 1;").await;
    screenshot(c, "failover-1280x800.png").await;

    // The fidelity page is one click away, with the blog tutorial's two corrections.
    click(c, "button[title^='What is exact']").await;
    until(
        c,
        "the fidelity page",
        "const f = document.querySelector('iframe.fidelity-text'); \
         const d = f && f.contentDocument; \
         return !!d && !!d.body && d.body.textContent.includes('14687') \
           && d.body.textContent.includes('16379');",
    )
    .await;
    screenshot(c, "fidelity-1280x800.png").await;
    click(c, ".fidelity-bar button").await;
    until(
        c,
        "the fidelity page to close",
        "return !document.querySelector('.fidelity');",
    )
    .await;

    // The event log's kind filter keeps up with new events.
    click(c, "button[title='Follow the newest events again']").await;
    let choose_kind = |v: &str| {
        format!(
            "const s = document.querySelector('select[aria-label=\"Filter by kind\"]'); \
             s.value = '{v}'; s.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"
        )
    };
    js(c, &choose_kind("8")).await;
    let only_redirects = "const rows = [...document.querySelectorAll('.event')]; \
        return rows.length > 0 && rows.every(r => r.classList.contains('c-client-redirects'));";
    until(c, "only client redirects in the log", only_redirects).await;
    let before = js(c, "return document.querySelectorAll('.event').length;").await;
    type_line(c, ".connect 7001").await;
    type_line(c, "get mykey").await;
    until(
        c,
        "the new redirect in the filtered log",
        &format!("return document.querySelectorAll('.event').length === {before} + 1;"),
    )
    .await;
    until(c, "still only client redirects", only_redirects).await;
    js(c, &choose_kind("")).await;

    // The resharding buttons: a node added with redis-cli's add-node appears as a card of
    // its own, and a reshard gives it 1000 slots with MIGRATE flying keys to it.
    assert_eq!(
        js(c, &click_text("Add node 7007")).await,
        true,
        "the Add node button"
    );
    until(
        c,
        "the 7th card",
        "return document.querySelectorAll('.card').length === 7;",
    )
    .await;
    until(
        c,
        "add-node's output",
        "return document.body.textContent.includes('[OK] New node added correctly.');",
    )
    .await;
    // Gossip must spread the new node's ID before a reshard names it. 7003 comes back
    // first: fix refuses to work while a master is unreachable, as redis-cli does.
    type_line(c, ".restart 7003").await;
    type_line(c, ".advance 5s").await;
    // At 1× the 1000 moves take about 25 s, time enough to stop them half way.
    set_speed(c, "1").await;
    assert_eq!(
        js(c, &click_text("Reshard 1000 → 7007")).await,
        true,
        "the Reshard button"
    );
    // The moves run as simulated time passes (the clock starts by itself): stop the tool
    // half way, as Ctrl-C would, and let fix close the slot it left open.
    until(
        c,
        "the reshard's moves",
        "return document.body.textContent.includes('Moving slot 0 from 127.0.0.1:7001 to 127.0.0.1:7007: ');",
    )
    .await;
    until(
        c,
        "the Stop tool button",
        "return document.querySelector('button.stop-tool') !== null;",
    )
    .await;
    screenshot(c, "reshard-1280x800.png").await;
    assert_eq!(js(c, &click_text("Stop tool")).await, true, "Stop tool");
    until(
        c,
        "the tool stopped",
        "return document.body.textContent.includes('the tool stopped here') && document.querySelector('button.stop-tool') === null;",
    )
    .await;
    assert_eq!(js(c, &click_text("Fix")).await, true, "the Fix button");
    until(
        c,
        "fix's check",
        "const x = [...document.querySelectorAll('.exchange')].pop(); return x.textContent.includes('.cluster-tool fix') && x.textContent.includes('[OK] All 16384 slots covered.');",
    )
    .await;
    js(
        c,
        "const b = document.querySelector('button.play'); if (b.textContent.includes('Pause')) b.click(); return true;",
    )
    .await;

    // The share link replays the run to the same trace hash.
    let hash = trace_hash(c).await;
    assert_eq!(hash.len(), 16);
    let exchanges = js(c, "return document.querySelectorAll('.exchange').length;").await;
    let link = js(c, "return location.href;")
        .await
        .as_str()
        .expect("a link")
        .to_string();
    assert!(link.contains("#v2&seed=1&"), "{link}");
    js(c, "localStorage.clear(); return true;").await;
    c.goto("about:blank").await.expect("blank");
    c.goto(&link).await.expect("the shared link");
    until(
        c,
        "the replayed run",
        &format!("return document.querySelectorAll('.exchange').length === {exchanges};"),
    )
    .await;
    assert_eq!(
        trace_hash(c).await,
        hash,
        "the shared link replays to the same trace hash"
    );

    // A reload keeps the session (from the address bar and local storage).
    c.goto("about:blank").await.expect("blank");
    c.goto(&page).await.expect("the page without a fragment");
    until(
        c,
        "the restored session",
        &format!("return document.querySelectorAll('.exchange').length === {exchanges};"),
    )
    .await;
    assert_eq!(
        trace_hash(c).await,
        hash,
        "local storage restores the same run"
    );

    // Usable at 390 px: one column, nothing wider than the screen.
    c.set_window_size(390, 844).await.expect("resized");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let overflow = js(
        c,
        "return document.documentElement.scrollWidth - window.innerWidth;",
    )
    .await;
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "horizontal overflow at 390 px: {overflow}"
    );
    screenshot(c, "narrow-390.png").await;

    // Reset starts the cluster again and time keeps running (the animation loop survives).
    click(c, "button[title^='Create the cluster again']").await;
    until(
        c,
        "a fresh console",
        "return document.querySelectorAll('.exchange').length === 0;",
    )
    .await;
    let clock = js(c, "return document.querySelector('.clock').textContent;").await;
    click(c, "button.play").await;
    until(
        c,
        "time to run after the reset",
        &format!("return document.querySelector('.clock').textContent !== {clock};"),
    )
    .await;

    p.close_clean().await;
}

/// Guided mode and interview practice, used as a newcomer would: open Learn, start a
/// scenario, predict, step through it, go back, export; then answer an interview question,
/// reveal the model answer and jump to its live demonstration.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built page, Chromium and chromedriver: run `cargo xtask test`"]
async fn guided_scenario_and_interview_practice_in_chromium() {
    let p = open_page().await;
    let c = &p.c;

    // The Learn dialog lists the scenarios; "A master dies" starts in guided mode.
    assert_eq!(js(c, &click_text("Learn")).await, true, "Learn");
    until(
        c,
        "the scenario list",
        "return document.querySelectorAll('.scenario').length >= 12;",
    )
    .await;
    screenshot(c, "learn-1280x800.png").await;
    click(c, "button[aria-label='Start A master dies']").await;
    until(
        c,
        "the guide",
        "return document.querySelector('.guide') !== null && document.querySelector('.learn') === null;",
    )
    .await;
    click(c, "button.guide-next").await;
    // Checkpoint 2 is a prediction: pick an answer, then run it.
    until(
        c,
        "checkpoint 1",
        "return document.querySelector('.guide-head .sub').textContent === 'checkpoint 1 of 6' && document.querySelector('.predict') !== null;",
    )
    .await;
    assert_eq!(js(c, &click_text("a little over 5 seconds")).await, true);
    click(c, "button.guide-next").await;
    until(
        c,
        "the PFAIL narration",
        "return document.querySelector('.narration').textContent.includes('was the first to suspect 7003') && document.querySelector('.reveal').textContent.includes('You said: a little over 5 seconds');",
    )
    .await;
    // The live views follow: the killed card, highlighted nodes, the event selected.
    until(
        c,
        "highlighted cards and the killed node",
        "return document.querySelectorAll('.card.highlight').length >= 1 && document.body.textContent.includes('killed') && document.querySelector('.event.selected') !== null;",
    )
    .await;
    screenshot(c, "guided-1280x800.png").await;
    for _ in 0..3 {
        click(c, "button.guide-next").await;
    }
    until(
        c,
        "the promotion",
        "return document.querySelector('.guide-head .sub').textContent === 'checkpoint 5 of 6' && document.querySelector('.narration').textContent.includes('now owns') && document.querySelector('.key-messages').textContent.includes('AUTH_REQUEST');",
    )
    .await;
    // Back replays to checkpoint 4; Next comes back to the same run.
    let narration = js(
        c,
        "return document.querySelector('.narration').textContent;",
    )
    .await;
    assert_eq!(js(c, &click_text("◀ Back")).await, true);
    until(
        c,
        "checkpoint 4",
        "return document.querySelector('.guide-head .sub').textContent === 'checkpoint 4 of 6';",
    )
    .await;
    click(c, "button.guide-next").await;
    until(
        c,
        "checkpoint 5 again",
        "return document.querySelector('.guide-head .sub').textContent === 'checkpoint 5 of 6';",
    )
    .await;
    assert_eq!(
        js(
            c,
            "return document.querySelector('.narration').textContent;"
        )
        .await,
        narration,
        "the same run after Back and Next"
    );
    // Export notes: the Markdown download (captured instead of saved) has the narration,
    // the prediction, the console and a sequence diagram.
    js(
        c,
        "window.__exported = null; HTMLAnchorElement.prototype.click = function () { window.__exported = { name: this.download, text: decodeURIComponent(this.href.slice(this.href.indexOf(',') + 1)) }; }; return true;",
    )
    .await;
    assert_eq!(js(c, &click_text("Export notes")).await, true);
    until(
        c,
        "the exported notes",
        "const x = window.__exported; return x !== null && x.name === 'master-dies.md' && x.text.startsWith('# A master dies') && x.text.includes('## 2. Kill 7003: the first PFAIL') && x.text.includes('You said **a little over 5 seconds**') && x.text.includes('```mermaid') && x.text.includes('127.0.0.1:7003> .kill 7003');",
    )
    .await;
    // Leaving the guide keeps the run: the console still works.
    assert_eq!(js(c, &click_text("Leave guide")).await, true);
    type_line(c, ".connect 7001").await;
    type_line(c, "get mykey").await;
    until(
        c,
        "GET after the guide",
        "return document.querySelector('.guide') === null && [...document.querySelectorAll('.exchange')].pop().textContent.includes('myvalue');",
    )
    .await;

    // Interview practice: answer, reveal, see a claim live.
    assert_eq!(js(c, &click_text("Learn")).await, true);
    assert_eq!(js(c, &click_text("Interview practice")).await, true);
    until(
        c,
        "the questions",
        "return document.querySelectorAll('.questions li').length >= 10;",
    )
    .await;
    assert_eq!(
        js(c, &click_text("Can Redis Cluster lose writes")).await,
        true
    );
    let answer = c
        .find(Locator::Css("textarea[aria-label='Your answer']"))
        .await
        .expect("the answer box");
    answer
        .send_keys("Yes, replication is asynchronous.")
        .await
        .expect("typed");
    assert_eq!(js(c, &click_text("Reveal the model answer")).await, true);
    until(
        c,
        "the model answer",
        "return document.querySelectorAll('.claims li').length >= 3;",
    )
    .await;
    screenshot(c, "interview-1280x800.png").await;
    assert_eq!(js(c, &click_text("Export notes")).await, true);
    until(
        c,
        "the exported interview notes",
        "const x = window.__exported; return x !== null && x.name === 'interview-practice.md' && x.text.includes('**My answer:** Yes, replication is asynchronous.') && x.text.includes('clusterlab scenario split-brain');",
    )
    .await;
    // Progress is kept: a reload shows the answer and the revealed mark.
    c.refresh().await.expect("reload");
    until(
        c,
        "the page again",
        "return document.querySelectorAll('.card').length >= 6;",
    )
    .await;
    assert_eq!(js(c, &click_text("Learn")).await, true);
    assert_eq!(js(c, &click_text("Interview practice")).await, true);
    assert_eq!(
        js(c, &click_text("Can Redis Cluster lose writes")).await,
        true
    );
    until(
        c,
        "the kept answer",
        "return document.querySelector('textarea').value === 'Yes, replication is asynchronous.' && document.querySelectorAll('.questions li.done').length === 1;",
    )
    .await;
    click(c, ".claims button.demo").await;
    until(
        c,
        "the demonstration",
        "return document.querySelector('.guide') !== null && document.querySelector('.guide strong').textContent.includes('Split brain');",
    )
    .await;
    screenshot(c, "demo-1280x800.png").await;
    // The guide fits a phone: nothing wider than the screen.
    c.set_window_size(390, 844).await.expect("resized");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let overflow = js(
        c,
        "return document.documentElement.scrollWidth - window.innerWidth;",
    )
    .await;
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "horizontal overflow at 390 px with the guide open: {overflow}"
    );
    screenshot(c, "guided-390.png").await;

    p.close_clean().await;
}
