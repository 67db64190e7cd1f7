//! The one place the playground's state lives: a [`Store`] holds the [`Playground`] in a
//! cell and a version that grows on every change, so a render is triggered by comparing
//! two numbers, never by cloning the simulation. Panels reach it with [`use_playground`]
//! and change it only by dispatching [`Action`]s; the [`Effect`]s an update asks for are
//! carried out here, right after it.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use super::{metrics, storage};
use crate::model::state::{Action, Effect, Playground};

pub struct Store {
    playground: Rc<RefCell<Playground>>,
    /// Grows with every update that may change the page.
    pub version: u64,
}

impl Store {
    pub fn new(p: Playground) -> Store {
        let store = Store {
            playground: Rc::new(RefCell::new(p)),
            version: 0,
        };
        store.carry_out_effects();
        store
    }

    /// The state, to read while rendering.
    pub fn get(&self) -> Ref<'_, Playground> {
        self.playground.borrow()
    }

    fn carry_out_effects(&self) {
        let effects = self.playground.borrow_mut().take_effects();
        for e in effects {
            match e {
                Effect::SaveRun(text) => storage::save_run(&text),
                Effect::SaveInterview(text) => storage::save_interview(&text),
                Effect::Download { name, text } => storage::download(&name, &text),
                Effect::Publish(name, value) => metrics::publish(name, &value),
            }
        }
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.playground, &other.playground)
    }
}

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let changed = self.playground.borrow_mut().update(action);
        self.carry_out_effects();
        if !changed {
            return self;
        }
        Rc::new(Store {
            playground: Rc::clone(&self.playground),
            version: self.version + 1,
        })
    }
}

/// What panels are given: the store, to read and to dispatch to.
pub type PlaygroundHandle = UseReducerHandle<Store>;

/// The playground's store, for a panel.
#[hook]
pub fn use_playground() -> PlaygroundHandle {
    use_context::<PlaygroundHandle>().expect("panels live inside the App's ContextProvider")
}

/// A callback that dispatches the action `make` builds from the event.
pub fn dispatch<E: 'static>(
    store: &PlaygroundHandle,
    make: impl Fn(E) -> Action + 'static,
) -> Callback<E> {
    let d = store.dispatcher();
    Callback::from(move |e: E| d.dispatch(make(e)))
}
