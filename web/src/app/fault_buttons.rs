//! A node's fault buttons, on its card and in the inspector. Each runs the console line of
//! its fault (`.kill 7003`), so the console shows the command and the learner can type it.

use clusterlab_core::{DataOnRestart, Fault, SimDuration};
use yew::prelude::*;

use super::store::{dispatch, use_playground};
use crate::model::state::Action;

#[derive(Properties, PartialEq)]
pub struct FaultButtonsProps {
    pub port: u16,
    pub killed: bool,
    /// Replicas also get a manual failover.
    pub replica: bool,
}

#[function_component(FaultButtons)]
pub fn fault_buttons(props: &FaultButtonsProps) -> Html {
    let store = use_playground();
    let port = props.port;
    let run = |line: String| dispatch(&store, move |_: MouseEvent| Action::RunLine(line.clone()));
    let fault = |f: Fault| run(f.console_line());
    if props.killed {
        let restart = |data| Fault::Restart { port, data };
        return html! {
            <>
                <button onclick={fault(restart(DataOnRestart::Empty))}
                    aria-label={format!("Restart {port} with an empty dataset")} title="Restart with an empty dataset">{ "restart" }</button>
                <button onclick={fault(restart(DataOnRestart::Keep))}
                    aria-label={format!("Restart {port} keeping its data (AOF)")} title="Restart keeping its data (AOF)">{ "restart (aof)" }</button>
            </>
        };
    }
    let pause = Fault::Pause {
        port,
        duration: SimDuration::from_secs(10),
    };
    html! {
        <>
            <button onclick={fault(Fault::Kill(port))} aria-label={format!("Kill {port}")}>{ "kill" }</button>
            <button onclick={fault(pause)}
                aria-label={format!("Pause {port} for 10 seconds")} title="Freeze for 10 s (like DEBUG SLEEP)">{ "pause 10s" }</button>
            if props.replica {
                <button onclick={run(format!(".failover {port}"))}
                    aria-label={format!("Manual failover to {port}")} title="CLUSTER FAILOVER on this replica">{ "failover" }</button>
            }
        </>
    }
}
