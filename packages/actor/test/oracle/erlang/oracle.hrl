%% The Erlang half of the OTP oracle, included by oracle.escript: a fun-driven callback
%% module (one module serves every gen_server and supervisor of a scenario), the trace (an ETS
%% table per scenario, ordered by a monotonic counter), the canonical spelling of values (the
%% mirror of `spell` in ../trace.ts: change both together), the helpers shared by scenarios (the
%% mirror of ../behaviours.ts), and the runner that runs each scenario in its own process.
%%
%% Output, one line per event: `<scenario>\t<event>`, and `<scenario>\t#end` after each scenario.
%% `escript oracle.escript name1 name2` runs only the scenarios named.
-mode(compile).
%% Not every area uses every helper.
-compile([nowarn_unused_function]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, handle_continue/2, terminate/2]).

%% ---- runner ------------------------------------------------------------------------------

main(Args) ->
    %% Crash reports are expected (scenarios crash on purpose): keep stdout to the trace.
    logger:set_primary_config(level, none),
    All = scenarios(),
    Selected = case Args of
                   [] -> All;
                   _ -> [S || {N, _} = S <- All, lists:member(atom_to_list(N), Args)]
               end,
    %% Every scenario runs at once, each in its own (unlinked, monitored) process with its own
    %% trace: the whole run takes as long as its slowest scenario.
    Runs = [begin
                Tr = {ets:new(events, [ordered_set, public]), ets:new(names, [set, public])},
                {Pid, Ref} = spawn_monitor(fun() -> F(Tr) end),
                {N, Tr, Pid, Ref}
            end || {N, F} <- Selected],
    Deadline = erlang:monotonic_time(millisecond) + 20000,
    lists:foreach(fun({N, {Events, _} = Tr, Pid, Ref}) ->
                          Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
                          receive
                              {'DOWN', Ref, process, Pid, normal} -> ok;
                              {'DOWN', Ref, process, Pid, Why} ->
                                  t(Tr, "!!! driver exited: ~s", [{text, io_lib:format("~0p", [Why])}])
                          after Left ->
                              exit(Pid, kill),
                              t(Tr, "!!! driver hung", [])
                          end,
                          [io:format("~s\t~ts~n", [N, E]) || {_, E} <- ets:tab2list(Events)],
                          io:format("~s\t#end~n", [N])
                  end, Runs),
    halt(0).

%% ---- trace and spelling ------------------------------------------------------------------

%% Records one event. Every argument is spelled (see spell/2), so the format uses only ~s.
t(Tr, Fmt, Args) ->
    {Events, _} = Tr,
    Text = lists:flatten(io_lib:format(Fmt, [s(Tr, A) || A <- Args])),
    ets:insert(Events, {erlang:unique_integer([monotonic]), Text}),
    ok.

%% Gives a pid its role name in the trace (a restarted child takes its role again).
name(Tr, Pid, Name) ->
    {_, Names} = Tr,
    ets:insert(Names, {Pid, Name}),
    ok.

s(Tr, V) -> lists:flatten(spell(Tr, V)).

%% The canonical spelling. Mirror of `spell` in ../trace.ts, which documents the table.
spell(_, {text, Text}) -> Text;
spell(_, V) when is_atom(V) -> atom_to_list(V);
spell(_, V) when is_integer(V) -> integer_to_list(V);
spell(Tr, V) when is_pid(V) ->
    {_, Names} = Tr,
    case ets:lookup(Names, V) of
        [{_, Name}] -> atom_to_list(Name);
        [] -> "pid"
    end;
spell(_, V) when is_reference(V) -> "ref";
spell(Tr, {'EXIT', From, Reason}) -> ["EXIT ", spell(Tr, From), " ", spell(Tr, Reason)];
spell(Tr, {'DOWN', _, process, Pid, Reason}) -> ["DOWN ", spell(Tr, Pid), " ", spell(Tr, Reason)];
spell(Tr, {bad_return_value, V}) -> ["bad_return(", spell(Tr, V), ")"];
%% error(R) in a callback: the exit reason is {R, Stacktrace}; the stack is not compared.
spell(Tr, {R, [{M, _, _, L} | _]}) when is_atom(M), is_list(L) -> ["crash(", spell(Tr, R), ")"];
spell(Tr, V) when is_tuple(V) -> ["{", join(Tr, tuple_to_list(V)), "}"];
spell(Tr, V) when is_list(V) -> ["[", join(Tr, V), "]"];
spell(_, V) -> io_lib:format("~0p", [V]).

join(_, []) -> [];
join(Tr, [X]) -> [spell(Tr, X)];
join(Tr, [X | Xs]) -> [spell(Tr, X), "," | join(Tr, Xs)].

%% ---- outcomes (what a call, a start or a stop came to), spelled like ../trace.ts -----------

text(Tr, Word, V) -> {text, Word ++ " " ++ s(Tr, V)}.

call_outcome(Tr, Fun) ->
    try Fun() of
        V -> text(Tr, "reply", V)
    catch
        exit:{Reason, {gen_server, call, _}} -> text(Tr, "exit", Reason);
        exit:Reason -> text(Tr, "exit", Reason);
        error:_ -> {text, "raised"}
    end.

start_outcome(Tr, Result) ->
    case Result of
        {ok, _} -> {text, "ok"};
        ignore -> {text, "ignore"};
        {error, R} -> text(Tr, "error", R)
    end.

stop_outcome(Tr, Fun) ->
    try Fun() of
        ok -> {text, "ok"}
    catch
        %% proc_lib:stop's helper calls sys:terminate: strip that call's wrapper, as for calls
        exit:{Reason, {sys, terminate, _}} -> text(Tr, "exit", Reason);
        exit:Reason -> text(Tr, "exit", Reason)
    end.

do_call(Tr, P, Req) -> call_outcome(Tr, fun() -> gen_server:call(P, Req) end).
do_call(Tr, P, Req, Timeout) -> call_outcome(Tr, fun() -> gen_server:call(P, Req, Timeout) end).
do_stop(Tr, P) -> stop_outcome(Tr, fun() -> gen_server:stop(P) end).
do_stop(Tr, P, Reason) -> stop_outcome(Tr, fun() -> gen_server:stop(P, Reason, infinity) end).
do_stop(Tr, P, Reason, Timeout) -> stop_outcome(Tr, fun() -> gen_server:stop(P, Reason, Timeout) end).

%% What a supervisor:* function returned.
sup_outcome(Tr, Result) ->
    case Result of
        ok -> {text, "ok"};
        {ok, Child} -> text(Tr, "ok", Child);
        {ok, Child, _} -> text(Tr, "ok", Child);
        %% start_child whose child failed: {error, {R, ChildRecord}}; the record is internal
        {error, {R, Child}} when is_tuple(Child), element(1, Child) =:= child -> text(Tr, "error", R);
        {error, R} -> text(Tr, "error", R)
    end.

%% Runs Fun (which returns an outcome) in its own process; join/1 gives the outcome.
async(Fun) -> spawn_monitor(fun() -> exit({outcome, Fun()}) end).
%% The same, recording `Label <outcome>` the moment the outcome is known.
async_log(Tr, Label, Fun) -> spawn_monitor(fun() -> O = Fun(), t(Tr, Label ++ " ~s", [O]), exit({outcome, O}) end).
join({Pid, Ref}) ->
    receive {'DOWN', Ref, process, Pid, {outcome, O}} -> O;
            {'DOWN', Ref, process, Pid, Other} -> {text, io_lib:format("!!! async exited ~0p", [Other])}
    end.

sleep(Ms) -> timer:sleep(Ms).

%% Sleeps until `Ms` milliseconds past a whole second of erlang:monotonic_time, the clock OTP's
%% supervisor counts restarts on (in whole seconds). Our side starts at virtual time 0, so it
%% advances to Ms.
align_second(Ms) ->
    Now = erlang:monotonic_time(millisecond),
    Phase = ((Now rem 1000) + 1000) rem 1000,
    timer:sleep((Ms - Phase + 1000) rem 1000).

alive(P) -> erlang:is_process_alive(P).

%% ---- the fun-driven callback module --------------------------------------------------------

init({supervisor, Flags, Specs}) -> {ok, {Flags, Specs}};
init({gen, CBs, Arg}) ->
    case CBs of
        #{init := F} -> wrap(CBs, F(Arg));
        _ -> {ok, {CBs, Arg}}
    end.
handle_call(Req, From, {CBs, S}) -> wrap(CBs, (maps:get(handle_call, CBs))(Req, From, S)).
handle_cast(Msg, {CBs, S}) -> wrap(CBs, (maps:get(handle_cast, CBs))(Msg, S)).
handle_info(Msg, {CBs, S}) ->
    case CBs of
        #{handle_info := F} -> wrap(CBs, F(Msg, S));
        _ -> {noreply, {CBs, S}}
    end.
handle_continue(C, {CBs, S}) -> wrap(CBs, (maps:get(handle_continue, CBs))(C, S)).
terminate(R, {CBs, S}) ->
    case CBs of
        #{terminate := F} -> F(R, S);
        _ -> ok
    end.

wrap(CBs, {ok, S}) -> {ok, {CBs, S}};
wrap(CBs, {ok, S, X}) -> {ok, {CBs, S}, X};
wrap(CBs, {reply, R, S}) -> {reply, R, {CBs, S}};
wrap(CBs, {reply, R, S, X}) -> {reply, R, {CBs, S}, X};
wrap(CBs, {noreply, S}) -> {noreply, {CBs, S}};
wrap(CBs, {noreply, S, X}) -> {noreply, {CBs, S}, X};
wrap(CBs, {stop, R, S}) -> {stop, R, {CBs, S}};
wrap(CBs, {stop, R, Reply, S}) -> {stop, R, Reply, {CBs, S}};
wrap(_, Other) -> Other.

start(CBs, Arg) -> gen_server:start(?MODULE, {gen, CBs, Arg}, []).
start(CBs, Arg, Name) -> gen_server:start({local, Name}, ?MODULE, {gen, CBs, Arg}, []).
start_ok(CBs, Arg) -> {ok, P} = start(CBs, Arg), P.

%% ---- shared behaviours (mirror of ../behaviours.ts) ------------------------------------------

%% A worker: logs `start Id` and `terminate Id Reason`, and `Id info Msg` for each info.
%% Opts: trap, sleep (terminate takes that long, then logs `terminate end Id`), ignore,
%% fail_from (init returns {stop, bad} from that start on), quiet (logs nothing).
worker(Tr, Id, Opts) ->
    Starts = counters:new(1, []),
    Quiet = maps:get(quiet, Opts, false),
    Log = fun(Fmt, Args) -> case Quiet of true -> ok; false -> t(Tr, Fmt, Args) end end,
    #{init => fun(_) ->
                      counters:add(Starts, 1, 1),
                      N = counters:get(Starts, 1),
                      name(Tr, self(), Id),
                      case maps:get(trap, Opts, false) of true -> process_flag(trap_exit, true); false -> ok end,
                      case {maps:get(ignore, Opts, false), maps:get(fail_from, Opts, infinity)} of
                          {true, _} -> ignore;
                          {_, From} when N >= From -> Log("init ~s failed", [Id]), {stop, bad};
                          _ -> Log("start ~s", [Id]), {ok, Id}
                      end
              end,
      handle_call => fun(ping, _, S) -> {reply, pong, S};
                        ({link, P}, _, S) -> link(P), {reply, ok, S};
                        ({unlink, P}, _, S) -> unlink(P), {reply, ok, S};
                        ({exit, P, R}, _, S) -> exit(P, R), {reply, ok, S};
                        ({start_linked, CId, COpts}, _, S) ->
                            %% this process is the child's parent
                            {ok, C} = gen_server:start_link(?MODULE, {gen, worker(Tr, CId, COpts), CId}, []),
                            {reply, C, S}
                     end,
      handle_cast => fun(crash, _) -> error(boom);
                        ({stop, R}, S) -> {stop, R, S};
                        ({exit_self, R}, S) -> exit(self(), R), {noreply, S}
                     end,
      handle_info => fun(M, S) -> Log("~s info ~s", [Id, M]), {noreply, S} end,
      terminate => fun(R, _) ->
                           Log("terminate ~s ~s", [Id, R]),
                           case maps:get(sleep, Opts, 0) of
                               0 -> ok;
                               Ms -> sleep(Ms), Log("terminate end ~s", [Id])
                           end
                   end}.

start_worker(Tr, Id, Opts) -> start_ok(worker(Tr, Id, Opts), Id).

%% A watcher: keeps every info message (EXIT, DOWN) until flush/2 logs them as `Id got Msg`.
watcher(Tr, Id, Opts) ->
    CBs = #{init => fun(_) ->
                            name(Tr, self(), Id),
                            case maps:get(trap, Opts, false) of true -> process_flag(trap_exit, true); false -> ok end,
                            {ok, []}
                    end,
            handle_call => fun(flush, _, Ms) -> {reply, lists:reverse(Ms), []};
                              ({monitor, P}, _, Ms) -> {reply, erlang:monitor(process, P), Ms};
                              ({demonitor, Ref}, _, Ms) -> {reply, erlang:demonitor(Ref), Ms};
                              ({link, P}, _, Ms) -> link(P), {reply, ok, Ms};
                              ({exit, P, R}, _, Ms) -> exit(P, R), {reply, ok, Ms}
                           end,
            handle_info => fun(M, Ms) -> {noreply, [M | Ms]} end},
    start_ok(CBs, Id).

watch(W, P) -> gen_server:call(W, {monitor, P}).

flush(Tr, W) ->
    [t(Tr, "~s got ~s", [W, M]) || M <- gen_server:call(W, flush)],
    ok.

%% The same, sorted: for messages from processes that exit concurrently.
flush_sorted(Tr, W) ->
    Lines = lists:sort([s(Tr, M) || M <- gen_server:call(W, flush)]),
    [t(Tr, "~s got ~s", [W, {text, L}]) || L <- Lines],
    ok.

%% A child spec for worker/3. Opts also: restart, shutdown.
child(Tr, Id, Opts) ->
    #{id => Id,
      start => {gen_server, start_link, [?MODULE, {gen, worker(Tr, Id, Opts), Id}, []]},
      restart => maps:get(restart, Opts, permanent),
      shutdown => maps:get(shutdown, Opts, 5000),
      type => worker}.

sup_child(Id, Flags, Specs) ->
    #{id => Id, start => {supervisor, start_link, [?MODULE, {supervisor, Flags, Specs}]},
      restart => permanent, shutdown => infinity, type => supervisor}.

flags(Strategy, Intensity, Period) -> #{strategy => Strategy, intensity => Intensity, period => Period}.

%% Starts a supervisor as our side does (no parent link): start_link, then unlink at once
%% (trapping meanwhile, so a failed start's exit does not end the driver).
start_sup(Tr, Id, Flags, Specs) ->
    Old = process_flag(trap_exit, true),
    Result = supervisor:start_link(?MODULE, {supervisor, Flags, Specs}),
    Pid = case Result of
              {ok, P} -> unlink(P), name(Tr, P, Id), P;
              _ -> undefined
          end,
    receive {'EXIT', _, _} -> ok after 0 -> ok end,
    process_flag(trap_exit, Old),
    {start_outcome(Tr, Result), Pid}.

child_pid(Sup, Id) ->
    hd([C || {I, C, _, _} <- supervisor:which_children(Sup), I =:= Id] ++ [undefined]).

children(Tr, Sup) -> s(Tr, [{Id, C} || {Id, C, _, _} <- supervisor:which_children(Sup)]).

counts(Sup) ->
    C = supervisor:count_children(Sup),
    {text, io_lib:format("specs=~b active=~b supervisors=~b workers=~b",
                         [proplists:get_value(K, C) || K <- [specs, active, supervisors, workers]])}.
