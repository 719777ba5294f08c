%% OTP oracle: gen_server calls, casts, stops, init results, continues and idle timeouts.
%% Included by oracle.escript. Each scenario mirrors the one of the same name in ../scenarios/gen-server.ts.
gen_server_scenarios() ->
    [{call_reply, fun call_reply/1},
     {call_cast_info_order, fun call_cast_info_order/1},
     {call_timeout_late_reply, fun call_timeout_late_reply/1},
     {call_timeout_zero, fun call_timeout_zero/1},
     {call_noproc_cast_dead, fun call_noproc_cast_dead/1},
     {call_server_stops_without_reply, fun call_server_stops_without_reply/1},
     {call_server_crashes, fun call_server_crashes/1},
     {call_deferred_reply, fun call_deferred_reply/1},
     {stop_reply_after_terminate, fun stop_reply_after_terminate/1},
     {stop_queued_behind_messages, fun stop_queued_behind_messages/1},
     {stop_with_shutdown_reason, fun stop_with_shutdown_reason/1},
     {stop_noproc, fun stop_noproc/1},
     {stop_terminate_crashes, fun stop_terminate_crashes/1},
     {stop_timeout, fun stop_timeout/1},
     {stop_concurrent_second, fun stop_concurrent_second/1},
     {stop_concurrent_same_reason, fun stop_concurrent_same_reason/1},
     {call_while_terminating, fun call_while_terminating/1},
     {init_stop, fun init_stop/1},
     {init_ignore, fun init_ignore/1},
     {init_crash, fun init_crash/1},
     {init_timeout, fun init_timeout/1},
     {init_continue_chain, fun init_continue_chain/1},
     {continue_after_reply, fun continue_after_reply/1},
     {continue_stop, fun continue_stop/1},
     {idle_timeout_reset, fun idle_timeout_reset/1},
     {idle_timeout_zero, fun idle_timeout_zero/1},
     {bad_return, fun bad_return/1}].

%% Logs every message it handles; replies to a call with the request.
logger(Tr, Id) ->
    #{init => fun(_) -> name(Tr, self(), Id), {ok, 0} end,
      handle_call => fun(M, _, N) -> t(Tr, "call ~s", [M]), {reply, M, N + 1} end,
      handle_cast => fun(M, N) -> t(Tr, "cast ~s", [M]), {noreply, N + 1} end,
      handle_info => fun(M, N) -> t(Tr, "info ~s", [M]), {noreply, N + 1} end,
      terminate => fun(R, _) -> t(Tr, "terminate ~s", [R]) end}.

%% terminate logs `terminate begin R`, takes Ms, then logs `terminate end`.
slow_terminate(Tr, Ms) ->
    fun(R, _) -> t(Tr, "terminate begin ~s", [R]), sleep(Ms), t(Tr, "terminate end", []) end.

call_reply(Tr) ->
    P = start_ok(#{init => fun(N) -> {ok, N} end,
                   handle_call => fun(get, _, N) -> {reply, N, N};
                                     ({add, K}, _, N) -> {reply, N + K, N + K}
                                  end,
                   handle_cast => fun({add, K}, N) -> {noreply, N + K} end,
                   handle_info => fun({add, K}, N) -> {noreply, N + K} end,
                   terminate => fun(R, N) -> t(Tr, "terminate ~s at ~s", [R, N]) end}, 0),
    t(Tr, "call ~s", [do_call(Tr, P, get)]),
    t(Tr, "call ~s", [do_call(Tr, P, {add, 1})]),
    gen_server:cast(P, {add, 2}),
    P ! {add, 3},
    t(Tr, "call ~s", [do_call(Tr, P, get)]),
    t(Tr, "stop ~s", [do_stop(Tr, P)]).

call_cast_info_order(Tr) ->
    P = start_ok(logger(Tr, srv), x),
    gen_server:cast(P, a),
    P ! b,
    t(Tr, "call ~s", [do_call(Tr, P, c)]).

call_timeout_late_reply(Tr) ->
    P = start_ok(#{handle_call => fun(slow, From, _) -> erlang:send_after(300, self(), answer), {noreply, From};
                                     (ping, _, S) -> {reply, pong, S}
                                  end,
                   handle_info => fun(answer, From) ->
                                          gen_server:reply(From, late),
                                          t(Tr, "late reply sent", []),
                                          {noreply, none}
                                  end}, none),
    t(Tr, "call ~s", [do_call(Tr, P, slow, 100)]),
    sleep(300),
    t(Tr, "call ~s", [do_call(Tr, P, ping)]).

call_timeout_zero(Tr) ->
    P = start_ok(#{handle_call => fun(ping, _, N) -> {reply, pong, N + 1};
                                     (count, _, N) -> {reply, N, N}
                                  end}, 0),
    t(Tr, "call ~s", [do_call(Tr, P, ping, 0)]),
    sleep(100),
    t(Tr, "call ~s", [do_call(Tr, P, count)]).

call_noproc_cast_dead(Tr) ->
    P = start_worker(Tr, a, #{}),
    t(Tr, "stop ~s", [do_stop(Tr, P)]),
    t(Tr, "call ~s", [do_call(Tr, P, ping)]),
    t(Tr, "cast ~s", [gen_server:cast(P, hello)]),
    try P ! hello of _ -> t(Tr, "send ok", []) catch _:_ -> t(Tr, "send raised", []) end.

call_server_stops_without_reply(Tr) ->
    P = start_ok(#{handle_call => fun(die, _, S) -> sleep(200), {stop, boom, S};
                                     (ping, _, S) -> {reply, pong, S}
                                  end,
                   terminate => fun(R, _) -> t(Tr, "terminate ~s", [R]) end}, none),
    A1 = async(fun() -> do_call(Tr, P, die) end),
    sleep(50),
    A2 = async(fun() -> do_call(Tr, P, ping) end),
    sleep(300),
    t(Tr, "call die ~s", [join(A1)]),
    t(Tr, "call ping ~s", [join(A2)]).

call_server_crashes(Tr) ->
    P = start_ok(#{handle_call => fun(crash, _, _) -> error(boom) end,
                   terminate => fun(R, _) -> t(Tr, "terminate ~s", [R]) end}, none),
    t(Tr, "call ~s", [do_call(Tr, P, crash)]).

call_deferred_reply(Tr) ->
    P = start_ok(#{handle_call => fun(wait, From, _) -> {noreply, From} end,
                   handle_cast => fun(release, From) ->
                                          gen_server:reply(From, 42),
                                          t(Tr, "replied", []),
                                          {noreply, none}
                                  end}, none),
    A = async(fun() -> do_call(Tr, P, wait) end),
    sleep(100),
    gen_server:cast(P, release),
    t(Tr, "call ~s", [join(A)]).

stop_reply_after_terminate(Tr) ->
    P = start_ok(#{handle_call => fun(bye, _, S) -> {stop, normal, bye, S} end,
                   terminate => slow_terminate(Tr, 50)}, none),
    A = async_log(Tr, "call", fun() -> do_call(Tr, P, bye) end),
    sleep(100),
    join(A).

stop_queued_behind_messages(Tr) ->
    P = start_ok(logger(Tr, srv), x),
    gen_server:cast(P, a),
    gen_server:cast(P, b),
    t(Tr, "stop ~s", [do_stop(Tr, P)]).

stop_with_shutdown_reason(Tr) ->
    W = watcher(Tr, w, #{}),
    P = start_ok(logger(Tr, srv), x),
    watch(W, P),
    t(Tr, "stop ~s", [do_stop(Tr, P, {shutdown, bye})]),
    sleep(100),
    flush(Tr, W).

stop_noproc(Tr) ->
    P = start_ok(logger(Tr, srv), x),
    t(Tr, "stop ~s", [do_stop(Tr, P)]),
    t(Tr, "stop ~s", [do_stop(Tr, P)]).

stop_terminate_crashes(Tr) ->
    P = start_ok(#{terminate => fun(R, _) -> t(Tr, "terminate ~s", [R]), error(oops) end}, none),
    t(Tr, "stop ~s", [do_stop(Tr, P)]).

stop_timeout(Tr) ->
    P = start_ok(#{terminate => slow_terminate(Tr, 300)}, none),
    t(Tr, "stop ~s", [do_stop(Tr, P, normal, 100)]),
    sleep(400),
    t(Tr, "alive ~s", [alive(P)]).

stop_concurrent_second(Tr) ->
    P = start_ok(#{terminate => slow_terminate(Tr, 300)}, none),
    A1 = async(fun() -> do_stop(Tr, P) end),
    sleep(50),
    A2 = async(fun() -> do_stop(Tr, P, shutdown) end),
    sleep(400),
    t(Tr, "stop1 ~s", [join(A1)]),
    t(Tr, "stop2 ~s", [join(A2)]).

stop_concurrent_same_reason(Tr) ->
    P = start_ok(#{terminate => slow_terminate(Tr, 300)}, none),
    A1 = async(fun() -> do_stop(Tr, P) end),
    sleep(50),
    A2 = async(fun() -> do_stop(Tr, P) end),
    sleep(400),
    t(Tr, "stop1 ~s", [join(A1)]),
    t(Tr, "stop2 ~s", [join(A2)]).

%% A call or a monitor that reaches a process while its terminate runs: it is still alive.
call_while_terminating(Tr) ->
    W = watcher(Tr, w, #{}),
    P = start_ok(#{init => fun(S) -> name(Tr, self(), srv), {ok, S} end,
                   handle_call => fun(ping, _, S) -> {reply, pong, S} end,
                   terminate => slow_terminate(Tr, 300)}, none),
    A1 = async(fun() -> do_stop(Tr, P) end),
    sleep(50),
    watch(W, P),
    A2 = async(fun() -> do_call(Tr, P, ping) end),
    sleep(400),
    t(Tr, "stop ~s", [join(A1)]),
    t(Tr, "call ~s", [join(A2)]),
    flush(Tr, W).

init_stop(Tr) ->
    R = start(#{init => fun(_) -> {stop, bad} end,
                terminate => fun(R, _) -> t(Tr, "terminate ~s", [R]) end}, none),
    t(Tr, "start ~s", [start_outcome(Tr, R)]).

init_ignore(Tr) ->
    R = start(#{init => fun(_) -> ignore end,
                terminate => fun(R, _) -> t(Tr, "terminate ~s", [R]) end}, none),
    t(Tr, "start ~s", [start_outcome(Tr, R)]).

init_crash(Tr) ->
    R = start(#{init => fun(_) -> error(boom) end,
                terminate => fun(R, _) -> t(Tr, "terminate ~s", [R]) end}, none),
    t(Tr, "start ~s", [start_outcome(Tr, R)]).

init_timeout(Tr) ->
    R = start(#{init => fun(S) -> {ok, S, 100} end,
                handle_info => fun(M, S) -> t(Tr, "info ~s", [M]), {noreply, S} end}, none),
    t(Tr, "start ~s", [start_outcome(Tr, R)]),
    sleep(300).

init_continue_chain(Tr) ->
    P = start_ok(#{init => fun(S) -> {ok, S, {continue, one}} end,
                   handle_continue => fun(one, S) -> t(Tr, "continue one", []), {noreply, S, {continue, two}};
                                         (two, S) -> t(Tr, "continue two", []), {noreply, S}
                                      end,
                   handle_info => fun(M, S) -> t(Tr, "info ~s", [M]), {noreply, S} end}, none),
    P ! hello,
    sleep(100).

continue_after_reply(Tr) ->
    P = start_ok(#{handle_call => fun(go, _, S) -> t(Tr, "call go", []), {reply, ok, S, {continue, c}} end,
                   handle_continue => fun(c, S) -> t(Tr, "continue c", []), {noreply, S} end,
                   handle_cast => fun(M, S) -> t(Tr, "cast ~s", [M]), {noreply, S} end}, none),
    R = do_call(Tr, P, go),
    gen_server:cast(P, probe),
    sleep(100),
    t(Tr, "call ~s", [R]).

continue_stop(Tr) ->
    R = start(#{init => fun(S) -> {ok, S, {continue, quit}} end,
                handle_continue => fun(quit, S) -> t(Tr, "continue quit", []), {stop, normal, S} end,
                terminate => fun(Why, _) -> t(Tr, "terminate ~s", [Why]) end}, none),
    sleep(100),
    t(Tr, "start ~s", [start_outcome(Tr, R)]),
    {ok, P} = R,
    t(Tr, "alive ~s", [alive(P)]).

idle_timeout_reset(Tr) ->
    P = start_ok(#{handle_cast => fun(arm, S) -> t(Tr, "cast arm", []), {noreply, S, 400} end,
                   handle_info => fun(timeout, S) -> t(Tr, "info timeout", []), {noreply, S};
                                     (M, S) -> t(Tr, "info ~s", [M]), {noreply, S, 400}
                                  end}, none),
    gen_server:cast(P, arm),
    sleep(200),
    P ! ping,
    sleep(300),
    t(Tr, "check at 500", []),
    sleep(200),
    t(Tr, "check at 700", []).

idle_timeout_zero(Tr) ->
    P = start_ok(#{handle_cast => fun(block, S) -> t(Tr, "cast block", []), sleep(100), {noreply, S};
                                     (M, S) -> t(Tr, "cast ~s", [M]), {noreply, S, 0}
                                  end,
                   handle_info => fun(M, S) -> t(Tr, "info ~s", [M]), {noreply, S} end}, none),
    gen_server:cast(P, block),
    gen_server:cast(P, a),
    gen_server:cast(P, b),
    sleep(300).

bad_return(Tr) ->
    W = watcher(Tr, w, #{}),
    P = start_ok(#{init => fun(S) -> name(Tr, self(), srv), {ok, S} end,
                   handle_cast => fun(weird, _) -> weird end,
                   terminate => fun(R, _) -> t(Tr, "terminate ~s", [R]) end}, none),
    watch(W, P),
    gen_server:cast(P, weird),
    sleep(100),
    flush(Tr, W).
