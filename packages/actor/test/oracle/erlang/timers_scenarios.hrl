%% OTP oracle: erlang:send_after, cancel_timer, read_timer.
%% Included by oracle.escript. Each scenario mirrors the one of the same name in ../scenarios/timers.ts.
timer_scenarios() ->
    [{send_after_zero_one_order, fun send_after_zero_one_order/1},
     {send_after_delays_order, fun send_after_delays_order/1},
     {send_after_from_outside, fun send_after_from_outside/1},
     {cancel_timer, fun cancel_and_read_timer/1},
     {timer_dead_target, fun timer_dead_target/1}].

%% A server that arms timers to itself on request and logs what it receives.
timed(Tr) ->
    #{handle_cast => fun({after_, Timers}, S) ->
                             [erlang:send_after(Ms, self(), M) || {Ms, M} <- Timers],
                             {noreply, S}
                     end,
      handle_call => fun({arm, Ms, M}, _, S) -> {reply, erlang:send_after(Ms, self(), M), S} end,
      handle_info => fun(M, S) -> t(Tr, "info ~s", [M]), {noreply, S} end}.

left(false) -> false;
left(N) when is_integer(N), N > 0, N =< 300 -> time_left;
left(N) -> {unexpected, N}.

send_after_zero_one_order(Tr) ->
    P = start_ok(timed(Tr), none),
    gen_server:cast(P, {after_, [{0, a}, {1, b}, {0, c}]}),
    sleep(100).

send_after_delays_order(Tr) ->
    P = start_ok(timed(Tr), none),
    gen_server:cast(P, {after_, [{60, x}, {20, y}, {40, z}, {20, w}]}),
    sleep(200).

send_after_from_outside(Tr) ->
    P = start_ok(timed(Tr), none),
    erlang:send_after(40, P, late),
    erlang:send_after(20, P, early),
    P ! now,
    sleep(400).

cancel_and_read_timer(Tr) ->
    P = start_ok(timed(Tr), none),
    Ref = gen_server:call(P, {arm, 300, fire}),
    sleep(100),
    t(Tr, "read ~s", [left(erlang:read_timer(Ref))]),
    t(Tr, "cancel ~s", [left(erlang:cancel_timer(Ref))]),
    t(Tr, "cancel ~s", [left(erlang:cancel_timer(Ref))]),
    t(Tr, "read ~s", [left(erlang:read_timer(Ref))]),
    sleep(300),
    Ref2 = gen_server:call(P, {arm, 100, fire2}),
    sleep(300),
    t(Tr, "cancel ~s", [left(erlang:cancel_timer(Ref2))]).

timer_dead_target(Tr) ->
    P = start_ok(timed(Tr), none),
    Ref = gen_server:call(P, {arm, 300, fire}),
    ok = gen_server:stop(P),
    t(Tr, "read ~s", [left(erlang:read_timer(Ref))]),
    t(Tr, "cancel ~s", [left(erlang:cancel_timer(Ref))]),
    sleep(400).
