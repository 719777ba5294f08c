#!/usr/bin/env escript
%%! +P 2000000 +sbt u
%% The actor suite's Erlang/OTP peer: the same four measurements as ours (bench actor), on
%% gen_server, in the same run. Prints one JSON line.
%%   cast:     1 M gen_server:cast to one server, then a call (messages/s, best of 5)
%%   call64:   64 callers x 20,000 gen_server:call with a 5 s timeout (calls/s, best of 5)
%%   callSeq:  200,000 gen_server:call one at a time (calls/s, best of 5)
%%   spawn:    10,000 gen_server:start + gen_server:stop (processes/s, best of 5)
%%   idleBytes: erlang:process_info(P, memory) of an idle gen_server, median of 1,000
-mode(compile).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2]).

init(State) -> {ok, State}.
handle_cast(_Message, N) -> {noreply, N + 1}.
handle_call(count, _From, N) -> {reply, N, N};
handle_call(Request, _From, N) -> {reply, Request, N}.

main(_) ->
    Cast = best(1000000, fun cast_run/0),
    Call64 = best(64 * 20000, fun call64_run/0),
    CallSeq = best(200000, fun call_seq_run/0),
    Spawn = best(10000, fun spawn_run/0),
    Idle = idle_bytes(1000),
    io:format("{\"cast\":~p,\"call64\":~p,\"callSeq\":~p,\"spawn\":~p,\"idleBytes\":~p,\"otp\":\"~s\",\"erts\":\"~s\"}~n",
              [Cast, Call64, CallSeq, Spawn, Idle, erlang:system_info(otp_release), erlang:system_info(version)]).

%% Operations per second of the fastest of five runs of Fun (which does Ops operations).
best(Ops, Fun) ->
    Times = [begin
                 T0 = erlang:monotonic_time(nanosecond),
                 Fun(),
                 erlang:monotonic_time(nanosecond) - T0
             end || _ <- lists:seq(1, 5)],
    round(Ops / (lists:min(Times) / 1.0e9)).

cast_run() ->
    {ok, P} = gen_server:start(?MODULE, 0, []),
    cast_n(P, 1000000),
    1000000 = gen_server:call(P, count, infinity),
    gen_server:stop(P).

cast_n(_, 0) -> ok;
cast_n(P, N) -> gen_server:cast(P, N), cast_n(P, N - 1).

call64_run() ->
    {ok, P} = gen_server:start(?MODULE, 0, []),
    Self = self(),
    Pids = [spawn_link(fun() -> call_n(P, 20000), Self ! {done, self()} end) || _ <- lists:seq(1, 64)],
    [receive {done, C} -> ok end || C <- Pids],
    gen_server:stop(P).

call_seq_run() ->
    {ok, P} = gen_server:start(?MODULE, 0, []),
    call_n(P, 200000),
    gen_server:stop(P).

call_n(_, 0) -> ok;
call_n(P, N) -> N = gen_server:call(P, N, 5000), call_n(P, N - 1).

spawn_run() ->
    Pids = [begin {ok, P} = gen_server:start(?MODULE, 0, []), P end || _ <- lists:seq(1, 10000)],
    [gen_server:stop(P) || P <- Pids],
    ok.

idle_bytes(Count) ->
    Pids = [begin {ok, P} = gen_server:start(?MODULE, 0, []), P end || _ <- lists:seq(1, Count)],
    [sys:get_state(P) || P <- Pids],
    Sizes = lists:sort([begin {memory, M} = erlang:process_info(P, memory), M end || P <- Pids]),
    [gen_server:stop(P) || P <- Pids],
    lists:nth(Count div 2, Sizes).
