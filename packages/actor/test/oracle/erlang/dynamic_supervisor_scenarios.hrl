%% OTP oracle: dynamic children, as OTP's simple_one_for_one supervisor (our DynamicSupervisor).
%% count_children's `specs` is left out: OTP counts the one child template there, a
%% DynamicSupervisor (as Elixir's) counts its children. Each scenario mirrors the one of the same
%% name in ../scenarios/dynamic-supervisor.ts.
dynamic_supervisor_scenarios() ->
    [{dyn_start_and_count, fun dyn_start_and_count/1},
     {dyn_restart_transient, fun dyn_restart_transient/1},
     {dyn_temporary_not_restarted, fun dyn_temporary_not_restarted/1},
     {dyn_terminate_child, fun dyn_terminate_child/1},
     {dyn_intensity, fun dyn_intensity/1},
     {dyn_shutdown_concurrent, fun dyn_shutdown_concurrent/1}].

%% A dynamic supervisor whose children restart as Restart and stop within Shutdown.
dsup(Tr, Restart, Shutdown, Intensity) ->
    Template = #{id => w, start => {gen_server, start_link, [?MODULE]},
                 restart => Restart, shutdown => Shutdown, type => worker},
    {{text, "ok"}, Sup} = start_sup(Tr, dsup, flags(simple_one_for_one, Intensity, 5), [Template]),
    Sup.

add(Tr, Sup, Id, Opts) -> sup_outcome(Tr, supervisor:start_child(Sup, [{gen, worker(Tr, Id, Opts), Id}, []])).
add_ok(Tr, Sup, Id, Opts) ->
    {ok, P} = supervisor:start_child(Sup, [{gen, worker(Tr, Id, Opts), Id}, []]),
    P.

dyn_counts(Sup) ->
    C = supervisor:count_children(Sup),
    {text, io_lib:format("active=~b supervisors=~b workers=~b",
                         [proplists:get_value(K, C) || K <- [active, supervisors, workers]])}.

dyn_start_and_count(Tr) ->
    W = watcher(Tr, w, #{}),
    Sup = dsup(Tr, permanent, 5000, 3),
    t(Tr, "start_child a ~s", [add(Tr, Sup, a, #{})]),
    t(Tr, "start_child b ~s", [add(Tr, Sup, b, #{})]),
    t(Tr, "start_child c ~s", [add(Tr, Sup, c, #{ignore => true})]),
    t(Tr, "start_child d ~s", [add(Tr, Sup, d, #{fail_from => 1})]),
    t(Tr, "counts ~s", [dyn_counts(Sup)]),
    [watch(W, P) || {_, P, _, _} <- supervisor:which_children(Sup)],
    t(Tr, "stop ~s", [do_stop(Tr, Sup)]),
    sleep(100),
    flush_sorted(Tr, W).

dyn_restart_transient(Tr) ->
    Sup = dsup(Tr, transient, 5000, 3),
    A = add_ok(Tr, Sup, a, #{}),
    B = add_ok(Tr, Sup, b, #{}),
    gen_server:cast(A, crash),
    sleep(100),
    gen_server:cast(B, {stop, normal}),
    sleep(100),
    t(Tr, "counts ~s", [dyn_counts(Sup)]).

dyn_temporary_not_restarted(Tr) ->
    Sup = dsup(Tr, temporary, 5000, 3),
    A = add_ok(Tr, Sup, a, #{}),
    gen_server:cast(A, crash),
    sleep(100),
    t(Tr, "counts ~s", [dyn_counts(Sup)]).

dyn_terminate_child(Tr) ->
    Sup = dsup(Tr, permanent, 5000, 3),
    A = add_ok(Tr, Sup, a, #{trap => true}),
    t(Tr, "terminate_child a ~s", [sup_outcome(Tr, supervisor:terminate_child(Sup, A))]),
    t(Tr, "terminate_child a ~s", [sup_outcome(Tr, supervisor:terminate_child(Sup, A))]),
    t(Tr, "counts ~s", [dyn_counts(Sup)]).

dyn_intensity(Tr) ->
    W = watcher(Tr, w, #{}),
    Sup = dsup(Tr, permanent, 5000, 1),
    watch(W, Sup),
    A = add_ok(Tr, Sup, a, #{}),
    gen_server:cast(A, crash),
    sleep(100),
    [{_, A2, _, _}] = supervisor:which_children(Sup),
    gen_server:cast(A2, crash),
    sleep(100),
    flush(Tr, W).

%% Children stop concurrently: two terminates of 200 ms fit in a stop of 350 ms.
dyn_shutdown_concurrent(Tr) ->
    Sup = dsup(Tr, permanent, 1000, 3),
    add_ok(Tr, Sup, a, #{trap => true, quiet => true, sleep => 200}),
    add_ok(Tr, Sup, b, #{trap => true, quiet => true, sleep => 200}),
    t(Tr, "stop ~s", [do_stop(Tr, Sup, normal, 350)]).
