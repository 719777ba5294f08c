%% OTP oracle: registered names: call, cast, send and stop by name, conflicts, release, a
%% supervised child that takes its name again. Names are unique per scenario (they run at once).
%% Included by oracle.escript. Each scenario mirrors the one of the same name in ../scenarios/names.ts.
name_scenarios() ->
    [{names_call_cast_send_stop, fun names_call_cast_send_stop/1},
     {names_send_unregistered, fun names_send_unregistered/1},
     {names_register_conflict_release, fun names_register_conflict_release/1},
     {names_supervised_child_restart, fun names_supervised_child_restart/1}].

counter(Tr) ->
    #{init => fun(N) -> name(Tr, self(), counter), {ok, N} end,
      handle_call => fun(get, _, N) -> {reply, N, N} end,
      handle_cast => fun({add, K}, N) -> {noreply, N + K} end,
      handle_info => fun({add, K}, N) -> {noreply, N + K} end,
      terminate => fun(R, N) -> t(Tr, "terminate ~s at ~s", [R, N]) end}.

names_call_cast_send_stop(Tr) ->
    t(Tr, "start ~s", [start_outcome(Tr, start(counter(Tr), 0, oracle_counter))]),
    t(Tr, "call ~s", [do_call(Tr, oracle_counter, get)]),
    gen_server:cast(oracle_counter, {add, 2}),
    oracle_counter ! {add, 3},
    t(Tr, "call ~s", [do_call(Tr, oracle_counter, get)]),
    t(Tr, "stop ~s", [do_stop(Tr, oracle_counter)]),
    t(Tr, "call ~s", [do_call(Tr, oracle_counter, get)]),
    t(Tr, "stop ~s", [do_stop(Tr, oracle_counter)]),
    t(Tr, "whereis ~s", [whereis(oracle_counter)]).

names_send_unregistered(Tr) ->
    try oracle_ghost ! hello of _ -> t(Tr, "send ok", []) catch _:_ -> t(Tr, "send raised", []) end,
    t(Tr, "cast ~s", [gen_server:cast(oracle_ghost, hello)]),
    t(Tr, "call ~s", [do_call(Tr, oracle_ghost, hello)]),
    t(Tr, "stop ~s", [do_stop(Tr, oracle_ghost)]).

names_register_conflict_release(Tr) ->
    t(Tr, "start a ~s", [start_outcome(Tr, start(worker(Tr, a, #{}), a, oracle_reg))]),
    t(Tr, "start b ~s", [start_outcome(Tr, start(worker(Tr, b, #{}), b, oracle_reg))]),
    t(Tr, "whereis ~s", [whereis(oracle_reg)]),
    t(Tr, "stop ~s", [do_stop(Tr, oracle_reg)]),
    t(Tr, "whereis ~s", [whereis(oracle_reg)]),
    t(Tr, "start c ~s", [start_outcome(Tr, start(worker(Tr, c, #{}), c, oracle_reg))]),
    t(Tr, "whereis ~s", [whereis(oracle_reg)]).

names_supervised_child_restart(Tr) ->
    Spec = #{id => a,
             start => {gen_server, start_link, [{local, oracle_child}, ?MODULE, {gen, worker(Tr, a, #{}), a}, []]},
             restart => permanent, shutdown => 5000, type => worker},
    {{text, "ok"}, _Sup} = start_sup(Tr, sup, flags(one_for_one, 3, 5), [Spec]),
    t(Tr, "call ~s", [do_call(Tr, oracle_child, ping)]),
    gen_server:cast(oracle_child, crash),
    sleep(100),
    t(Tr, "call ~s", [do_call(Tr, oracle_child, ping)]),
    t(Tr, "whereis ~s", [whereis(oracle_child)]).
