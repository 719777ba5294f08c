%% OTP oracle: supervisor strategies, restart types, restart intensity, shutdown modes, start
%% failures and the child functions. Each scenario mirrors the one of the same name in
%% ../scenarios/supervisor.ts.
supervisor_scenarios() ->
    [{sup_start_order_stop_reverse, fun sup_start_order_stop_reverse/1},
     {sup_one_for_one, fun sup_one_for_one/1},
     {sup_one_for_all, fun sup_one_for_all/1},
     {sup_rest_for_one, fun sup_rest_for_one/1},
     {sup_permanent_normal_exit_restarts, fun sup_permanent_normal_exit_restarts/1},
     {sup_transient, fun sup_transient/1},
     {sup_temporary, fun sup_temporary/1},
     {sup_one_for_all_temporary_sibling, fun sup_one_for_all_temporary_sibling/1},
     {sup_killed_child_transient_restarts, fun sup_killed_child_transient_restarts/1},
     {sup_intensity_exceeded, fun sup_intensity_exceeded/1},
     {sup_intensity_second_boundary, fun sup_intensity_second_boundary/1},
     {sup_intensity_window_passed, fun sup_intensity_window_passed/1},
     {sup_shutdown_brutal_kill, fun sup_shutdown_brutal_kill/1},
     {sup_shutdown_timeout_kills, fun sup_shutdown_timeout_kills/1},
     {sup_shutdown_infinity, fun sup_shutdown_infinity/1},
     {sup_shutdown_nontrapping_child, fun sup_shutdown_nontrapping_child/1},
     {sup_start_failure, fun sup_start_failure/1},
     {sup_start_ignore, fun sup_start_ignore/1},
     {sup_restart_fails_then_gives_up, fun sup_restart_fails_then_gives_up/1},
     {sup_child_ops, fun sup_child_ops/1},
     {sup_which_children_order, fun sup_which_children_order/1},
     {sup_nested_stop_order, fun sup_nested_stop_order/1},
     {sup_nested_escalation, fun sup_nested_escalation/1},
     {sup_terminate_temporary_child, fun sup_terminate_temporary_child/1}].

sup(Tr, Strategy, Specs) ->
    {{text, "ok"}, Sup} = start_sup(Tr, sup, flags(Strategy, 3, 5), Specs),
    Sup.

crash(Sup, Id) -> gen_server:cast(child_pid(Sup, Id), crash).

sup_start_order_stop_reverse(Tr) ->
    Sup = sup(Tr, one_for_one, [child(Tr, Id, #{trap => true}) || Id <- [a, b, c]]),
    t(Tr, "stop ~s", [do_stop(Tr, Sup)]).

strategy(Tr, Strategy) ->
    Sup = sup(Tr, Strategy, [child(Tr, Id, #{trap => true}) || Id <- [a, b, c]]),
    crash(Sup, b),
    sleep(100),
    t(Tr, "alive sup ~s", [alive(Sup)]).

sup_one_for_one(Tr) -> strategy(Tr, one_for_one).
sup_one_for_all(Tr) -> strategy(Tr, one_for_all).
sup_rest_for_one(Tr) -> strategy(Tr, rest_for_one).

sup_permanent_normal_exit_restarts(Tr) ->
    Sup = sup(Tr, one_for_one, [child(Tr, a, #{})]),
    gen_server:cast(child_pid(Sup, a), {stop, normal}),
    sleep(100),
    t(Tr, "a ~s", [child_pid(Sup, a)]).

sup_transient(Tr) ->
    Sup = sup(Tr, one_for_one, [child(Tr, Id, #{restart => transient}) || Id <- [t1, t2, t3]]),
    gen_server:cast(child_pid(Sup, t1), {stop, normal}),
    sleep(100),
    gen_server:cast(child_pid(Sup, t2), {stop, {shutdown, x}}),
    sleep(100),
    crash(Sup, t3),
    sleep(100),
    [t(Tr, "~s ~s", [Id, child_pid(Sup, Id)]) || Id <- [t1, t2, t3]],
    t(Tr, "counts ~s", [counts(Sup)]).

sup_temporary(Tr) ->
    Sup = sup(Tr, one_for_one, [child(Tr, a, #{}), child(Tr, tmp, #{restart => temporary})]),
    crash(Sup, tmp),
    sleep(100),
    t(Tr, "tmp ~s", [child_pid(Sup, tmp)]),
    t(Tr, "counts ~s", [counts(Sup)]).

sup_one_for_all_temporary_sibling(Tr) ->
    Sup = sup(Tr, one_for_all, [child(Tr, a, #{trap => true}),
                                child(Tr, tmp, #{trap => true, restart => temporary}),
                                child(Tr, b, #{trap => true})]),
    crash(Sup, b),
    sleep(100),
    t(Tr, "counts ~s", [counts(Sup)]).

sup_killed_child_transient_restarts(Tr) ->
    W = watcher(Tr, w, #{}),
    Sup = sup(Tr, one_for_one, [child(Tr, a, #{trap => true, restart => transient})]),
    watch(W, child_pid(Sup, a)),
    exit(child_pid(Sup, a), kill),
    sleep(100),
    flush(Tr, W),
    t(Tr, "a ~s", [child_pid(Sup, a)]).

sup_intensity_exceeded(Tr) ->
    W = watcher(Tr, w, #{}),
    {_, Sup} = start_sup(Tr, sup, flags(one_for_one, 2, 5), [child(Tr, a, #{trap => true}), child(Tr, b, #{})]),
    watch(W, Sup),
    [begin crash(Sup, b), sleep(100) end || _ <- [1, 2, 3]],
    sleep(100),
    flush(Tr, W),
    t(Tr, "alive sup ~s", [alive(Sup)]).

%% OTP counts restarts in whole seconds of monotonic time, and keeps those at or after
%% Now - Period: two crashes 1.5 s apart, in consecutive seconds, are both within a period of 1.
sup_intensity_second_boundary(Tr) ->
    W = watcher(Tr, w, #{}),
    {_, Sup} = start_sup(Tr, sup, flags(one_for_one, 1, 1), [child(Tr, a, #{})]),
    watch(W, Sup),
    align_second(100),
    crash(Sup, a),
    sleep(1500),
    crash(Sup, a),
    sleep(100),
    flush(Tr, W),
    t(Tr, "alive sup ~s", [alive(Sup)]).

sup_intensity_window_passed(Tr) ->
    W = watcher(Tr, w, #{}),
    {_, Sup} = start_sup(Tr, sup, flags(one_for_one, 1, 1), [child(Tr, a, #{})]),
    watch(W, Sup),
    align_second(100),
    crash(Sup, a),
    sleep(2200),
    crash(Sup, a),
    sleep(100),
    flush(Tr, W),
    t(Tr, "alive sup ~s", [alive(Sup)]).

shutdown(Tr, Opts) ->
    W = watcher(Tr, w, #{}),
    Sup = sup(Tr, one_for_one, [child(Tr, a, Opts)]),
    watch(W, child_pid(Sup, a)),
    t(Tr, "stop ~s", [do_stop(Tr, Sup)]),
    sleep(100),
    flush(Tr, W),
    sleep(300).

sup_shutdown_brutal_kill(Tr) -> shutdown(Tr, #{trap => true, shutdown => brutal_kill}).
sup_shutdown_timeout_kills(Tr) -> shutdown(Tr, #{trap => true, sleep => 300, shutdown => 100}).
sup_shutdown_infinity(Tr) -> shutdown(Tr, #{trap => true, sleep => 100, shutdown => infinity}).
sup_shutdown_nontrapping_child(Tr) -> shutdown(Tr, #{shutdown => 1000}).

sup_start_failure(Tr) ->
    {Outcome, _} = start_sup(Tr, sup, flags(one_for_one, 3, 5),
                             [child(Tr, a, #{trap => true}), child(Tr, b, #{fail_from => 1}), child(Tr, c, #{})]),
    t(Tr, "start ~s", [Outcome]).

sup_start_ignore(Tr) ->
    {Outcome, Sup} = start_sup(Tr, sup, flags(one_for_one, 3, 5),
                               [child(Tr, a, #{}), child(Tr, b, #{ignore => true}), child(Tr, c, #{})]),
    t(Tr, "start ~s", [Outcome]),
    t(Tr, "b ~s", [child_pid(Sup, b)]),
    t(Tr, "counts ~s", [counts(Sup)]).

sup_restart_fails_then_gives_up(Tr) ->
    W = watcher(Tr, w, #{}),
    Sup = sup(Tr, one_for_one, [child(Tr, a, #{fail_from => 2})]),
    watch(W, Sup),
    crash(Sup, a),
    sleep(100),
    flush(Tr, W).

sup_child_ops(Tr) ->
    Sup = sup(Tr, one_for_one, [child(Tr, a, #{}), child(Tr, b, #{trap => true})]),
    B = child(Tr, b, #{trap => true}),
    t(Tr, "terminate_child b ~s", [sup_outcome(Tr, supervisor:terminate_child(Sup, b))]),
    t(Tr, "b ~s", [child_pid(Sup, b)]),
    t(Tr, "restart_child b ~s", [sup_outcome(Tr, supervisor:restart_child(Sup, b))]),
    t(Tr, "restart_child a ~s", [sup_outcome(Tr, supervisor:restart_child(Sup, a))]),
    t(Tr, "delete_child b ~s", [sup_outcome(Tr, supervisor:delete_child(Sup, b))]),
    t(Tr, "start_child b ~s", [sup_outcome(Tr, supervisor:start_child(Sup, B))]),
    t(Tr, "terminate_child b ~s", [sup_outcome(Tr, supervisor:terminate_child(Sup, b))]),
    t(Tr, "start_child b ~s", [sup_outcome(Tr, supervisor:start_child(Sup, B))]),
    t(Tr, "delete_child b ~s", [sup_outcome(Tr, supervisor:delete_child(Sup, b))]),
    t(Tr, "restart_child b ~s", [sup_outcome(Tr, supervisor:restart_child(Sup, b))]),
    t(Tr, "terminate_child b ~s", [sup_outcome(Tr, supervisor:terminate_child(Sup, b))]),
    t(Tr, "start_child c ~s", [sup_outcome(Tr, supervisor:start_child(Sup, child(Tr, c, #{fail_from => 1})))]),
    t(Tr, "start_child b ~s", [sup_outcome(Tr, supervisor:start_child(Sup, B))]),
    t(Tr, "counts ~s", [counts(Sup)]).

sup_which_children_order(Tr) ->
    Sup = sup(Tr, one_for_one, [child(Tr, Id, #{}) || Id <- [a, b, c]]),
    t(Tr, "children ~s", [{text, children(Tr, Sup)}]),
    supervisor:start_child(Sup, child(Tr, d, #{})),
    t(Tr, "children ~s", [{text, children(Tr, Sup)}]).

sup_nested_stop_order(Tr) ->
    Sub = sup_child(sub, flags(one_for_one, 3, 5), [child(Tr, Id, #{trap => true}) || Id <- [x, y]]),
    Sup = sup(Tr, one_for_one, [child(Tr, a, #{trap => true}), Sub, child(Tr, b, #{trap => true})]),
    t(Tr, "stop ~s", [do_stop(Tr, Sup)]).

%% A nested supervisor that gives up is restarted by its parent, children and all.
sup_nested_escalation(Tr) ->
    W = watcher(Tr, w, #{}),
    Sub = sup_child(sub, flags(one_for_one, 0, 5), [child(Tr, x, #{})]),
    Sup = sup(Tr, one_for_one, [Sub]),
    name(Tr, child_pid(Sup, sub), sub),
    watch(W, child_pid(Sup, sub)),
    gen_server:cast(child_pid(child_pid(Sup, sub), x), crash),
    sleep(100),
    flush(Tr, W),
    t(Tr, "counts ~s", [counts(Sup)]).

sup_terminate_temporary_child(Tr) ->
    Sup = sup(Tr, one_for_one, [child(Tr, a, #{}), child(Tr, tmp, #{trap => true, restart => temporary})]),
    t(Tr, "terminate_child tmp ~s", [sup_outcome(Tr, supervisor:terminate_child(Sup, tmp))]),
    t(Tr, "restart_child tmp ~s", [sup_outcome(Tr, supervisor:restart_child(Sup, tmp))]),
    t(Tr, "counts ~s", [counts(Sup)]).
