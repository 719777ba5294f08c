#!/usr/bin/env escript
%% The OTP oracle's Erlang side: every scenario, run by real OTP (gen_server, supervisor).
%% One VM runs them all, each in its own process and all at once (see main/1 in oracle.hrl):
%% one boot instead of one per area, so no VM is still compiling while another one's scenarios
%% measure time, and the run takes about as long as its slowest scenario (~3.5 s).
%%
%%   escript oracle.escript                 every scenario
%%   escript oracle.escript name1 name2     only these
-include("oracle.hrl").
-include("gen_server_scenarios.hrl").
-include("links_scenarios.hrl").
-include("timers_scenarios.hrl").
-include("supervisor_scenarios.hrl").
-include("dynamic_supervisor_scenarios.hrl").
-include("names_scenarios.hrl").

scenarios() ->
    gen_server_scenarios() ++ link_scenarios() ++ timer_scenarios() ++ supervisor_scenarios()
        ++ dynamic_supervisor_scenarios() ++ name_scenarios().
