%% OTP oracle: links, trap_exit, exit signals (kill vs killed), monitors.
%% Included by oracle.escript. Each scenario mirrors the one of the same name in ../scenarios/links.ts.
link_scenarios() ->
    [{link_crash_kills_nontrapping, fun link_crash_kills_nontrapping/1},
     {link_normal_exit_ignored, fun link_normal_exit_ignored/1},
     {link_chain_dies, fun link_chain_dies/1},
     {unlink_stops_propagation, fun unlink_stops_propagation/1},
     {trap_exit_receives_exit, fun trap_exit_receives_exit/1},
     {exit_kill_is_killed, fun exit_kill_is_killed/1},
     {exit_reason_kill_via_link, fun exit_reason_kill_via_link/1},
     {exit_signal_nontrapping, fun exit_signal_nontrapping/1},
     {exit_to_trapping_from_nonparent, fun exit_to_trapping_from_nonparent/1},
     {exit_self_normal_trapping_server, fun exit_self_normal_trapping_server/1},
     {exit_self_normal_trapping_child, fun exit_self_normal_trapping_child/1},
     {exit_self_normal_nontrapping, fun exit_self_normal_nontrapping/1},
     {link_dead_pid_nontrapping, fun link_dead_pid_nontrapping/1},
     {link_dead_pid_trapping, fun link_dead_pid_trapping/1},
     {monitor_dead_pid_noproc, fun monitor_dead_pid_noproc/1},
     {monitor_demonitor, fun monitor_demonitor/1},
     {parent_exit_runs_terminate, fun parent_exit_runs_terminate/1}].

dead(Tr, Id) ->
    P = start_worker(Tr, Id, #{quiet => true}),
    ok = gen_server:stop(P),
    P.

link_crash_kills_nontrapping(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{}),
    B = start_worker(Tr, b, #{}),
    ok = gen_server:call(B, {link, A}),
    watch(W, A),
    watch(W, B),
    gen_server:cast(B, {stop, boom}),
    sleep(100),
    flush(Tr, W).

link_normal_exit_ignored(Tr) ->
    A = start_worker(Tr, a, #{}),
    B = start_worker(Tr, b, #{}),
    ok = gen_server:call(B, {link, A}),
    gen_server:cast(B, {stop, normal}),
    sleep(100),
    t(Tr, "alive a ~s", [alive(A)]).

link_chain_dies(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{}),
    B = start_worker(Tr, b, #{}),
    C = start_worker(Tr, c, #{}),
    ok = gen_server:call(B, {link, A}),
    ok = gen_server:call(C, {link, B}),
    [watch(W, P) || P <- [A, B, C]],
    gen_server:cast(C, crash),
    sleep(100),
    flush(Tr, W).

unlink_stops_propagation(Tr) ->
    A = start_worker(Tr, a, #{}),
    B = start_worker(Tr, b, #{}),
    ok = gen_server:call(B, {link, A}),
    ok = gen_server:call(B, {unlink, A}),
    gen_server:cast(B, crash),
    sleep(100),
    t(Tr, "alive a ~s", [alive(A)]).

trap_exit_receives_exit(Tr) ->
    A = start_worker(Tr, a, #{trap => true}),
    Bs = [start_worker(Tr, B, #{}) || B <- [b1, b2, b3]],
    [ok = gen_server:call(B, {link, A}) || B <- Bs],
    [B1, B2, B3] = Bs,
    gen_server:cast(B1, {stop, normal}),
    sleep(100),
    gen_server:cast(B2, {stop, {shutdown, x}}),
    sleep(100),
    gen_server:cast(B3, crash),
    sleep(100),
    t(Tr, "alive a ~s", [alive(A)]).

exit_kill_is_killed(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{trap => true}),
    B = start_worker(Tr, b, #{}),
    ok = gen_server:call(B, {link, A}),
    watch(W, B),
    watch(W, A),
    exit(B, kill),
    sleep(100),
    exit(A, kill),
    sleep(100),
    flush(Tr, W).

exit_reason_kill_via_link(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{trap => true}),
    C = start_worker(Tr, c, #{}),
    D = start_worker(Tr, d, #{}),
    ok = gen_server:call(C, {link, A}),
    ok = gen_server:call(C, {link, D}),
    watch(W, C),
    watch(W, D),
    gen_server:cast(C, {stop, kill}),
    sleep(100),
    flush(Tr, W).

exit_signal_nontrapping(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{}),
    watch(W, A),
    exit(A, normal),
    sleep(100),
    t(Tr, "alive a ~s", [alive(A)]),
    exit(A, boom),
    sleep(100),
    t(Tr, "alive a ~s", [alive(A)]),
    flush(Tr, W).

exit_to_trapping_from_nonparent(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{trap => true}),
    ok = gen_server:call(W, {exit, A, normal}),
    sleep(100),
    ok = gen_server:call(W, {exit, A, boom}),
    sleep(100),
    t(Tr, "alive a ~s", [alive(A)]).

exit_self_normal_trapping_server(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{trap => true}),
    watch(W, A),
    gen_server:cast(A, {exit_self, normal}),
    sleep(100),
    t(Tr, "alive a ~s", [alive(A)]),
    flush(Tr, W).

exit_self_normal_trapping_child(Tr) ->
    P = start_worker(Tr, p, #{}),
    C = gen_server:call(P, {start_linked, c, #{trap => true}}),
    gen_server:cast(C, {exit_self, normal}),
    sleep(100),
    t(Tr, "alive c ~s", [alive(C)]).

exit_self_normal_nontrapping(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{}),
    watch(W, A),
    gen_server:cast(A, {exit_self, normal}),
    sleep(100),
    t(Tr, "alive a ~s", [alive(A)]),
    flush(Tr, W).

link_dead_pid_nontrapping(Tr) ->
    W = watcher(Tr, w, #{}),
    D = dead(Tr, d),
    A = start_worker(Tr, a, #{}),
    watch(W, A),
    t(Tr, "call ~s", [do_call(Tr, A, {link, D})]),
    sleep(100),
    flush(Tr, W).

link_dead_pid_trapping(Tr) ->
    D = dead(Tr, d),
    A = start_worker(Tr, a, #{trap => true}),
    R = do_call(Tr, A, {link, D}),
    sleep(100),
    t(Tr, "call ~s", [R]),
    t(Tr, "alive a ~s", [alive(A)]).

monitor_dead_pid_noproc(Tr) ->
    W = watcher(Tr, w, #{}),
    D = dead(Tr, d),
    watch(W, D),
    sleep(100),
    flush(Tr, W).

monitor_demonitor(Tr) ->
    W = watcher(Tr, w, #{}),
    A = start_worker(Tr, a, #{}),
    R1 = watch(W, A),
    _R2 = watch(W, A),
    gen_server:call(W, {demonitor, R1}),
    gen_server:cast(A, {stop, normal}),
    sleep(100),
    flush(Tr, W).

parent_exit_runs_terminate(Tr) ->
    P = start_worker(Tr, p, #{}),
    C = gen_server:call(P, {start_linked, c, #{trap => true}}),
    gen_server:cast(P, {stop, {shutdown, p}}),
    sleep(100),
    t(Tr, "alive c ~s", [alive(C)]).
