"""
Where the peer bench's venue-side leg gap goes, from a scheduler trace (docs/latency.md,
"The leg gap at the venues"; docs/benchmarks.md, session 8).

  XARB_PEER_ONLY=xarb XARB_PEER_DUMP=/tmp/dump.jsonl XARB_PEER_VARIANTS='yield_after_pair_us=0' \
    perf record -a -k mono -e sched:sched_switch -e sched:sched_waking -e sched:sched_wakeup -o /tmp/p.data -- \
    node dist/bench/run.js peer --quick
  perf script -i /tmp/p.data -F comm,pid,tid,cpu,time,event,trace --ns > /tmp/p.txt
  python3 scripts/peer-sched-trace.py /tmp/p.txt /tmp/dump.jsonl

`-k mono` puts perf's timestamps on CLOCK_MONOTONIC, the clock the venue processes stamp with.
Per pair (first arrival at one venue, then the other venue's): the gap, the second venue
process's main thread's state over it (X on a core, W/R runnable and waiting for one, S asleep:
its frame not there yet), and who held the cores meanwhile (xarb:+N = xarb's thread pid+N,
vBIN / vBYB the venue processes, anything else another process). Then per contender the
medians: gap, the second venue's wait, the time xarb's threads, the venues and other processes
held the cores during it, and for the xarb thread that wrote the pair (the one that woke the
second venue) its time on a core after the pair until it first slept.
"""
import json,re,sys,bisect,collections
perf=sys.argv[1]; dump=sys.argv[2]
ev=[]
rx=re.compile(r'^\s*(\S.*?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$')
for line in open(perf):
    m=rx.match(line)
    if not m: continue
    comm,pid,tid,cpu,t,name,rest=m.groups()
    sec,frac=t.split('.')
    ev.append((int(sec)*10**9+int(frac.ljust(9,'0')),int(cpu),name,int(pid),int(tid),comm,rest))
ev.sort()
times=[e[0] for e in ev]
tid2pid={}
for e in ev: tid2pid[e[4]]=e[3]
sw=re.compile(r'prev_comm=(.*) prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+)')
import bisect
turns=[json.loads(l) for l in open(dump)]
def label(tid,comm,t):
    pid=tid2pid.get(tid,-1)
    if pid==t['venues']['binance']: return 'vBIN'+('' if tid==pid else ':thr')
    if pid==t['venues']['bybit']: return 'vBYB'+('' if tid==pid else ':thr')
    if pid==t['pid']: return 'xarb:%d'%(tid-pid)
    if comm.startswith('node'): return 'node-other'
    return comm
# per-cpu running timeline: list of (start,end,tid,comm)
run=collections.defaultdict(list); cur={}
state_ev=collections.defaultdict(list) # tid -> (ns, state)
for e in ev:
    if e[2]=='sched_switch':
        m=sw.search(e[6]); pt=int(m.group(2)); nt=int(m.group(5))
        if e[1] in cur: s,tid,comm=cur[e[1]]; run[e[1]].append((s,e[0],tid,comm))
        cur[e[1]]=(e[0],nt,m.group(4))
        state_ev[pt].append((e[0],'R' if m.group(3).startswith('R') else 'S'))
        state_ev[nt].append((e[0],'X'))
    elif e[2]=='sched_waking':
        m=re.search(r'pid=(\d+) ',e[6]); state_ev[int(m.group(1))].append((e[0],'W'))
def dur(tid,lo,hi):
    out=collections.Counter(); st=None; last=lo
    for ns,s in state_ev[tid]:
        if ns<=lo: st=s if not (s=='W' and st=='X') else st; continue
        if ns>=hi: break
        if st: out[st]+=ns-last
        last=ns
        if s=='W' and st=='X': continue
        st=s
    if st: out[st]+=hi-last
    return {k:round(v/1e3) for k,v in out.items()}
def holders(lo,hi,t):
    c=collections.Counter()
    for cpu in run:
        for s,e_,tid,comm in run[cpu]:
            a=max(s,lo); b=min(e_,hi)
            if b>a: c[label(tid,comm,t)]+=b-a
    return {k:round(v/1e3) for k,v in c.most_common(6)}
def pairs():
    """Each dislocation's pair: (turn, index, first arrival ns, the other venue's first arrival ns, that venue's pid)."""
    for t in turns:
        for i,d in enumerate(t['dislocations']):
            a=d['arrivals']
            if len(a)<2: continue
            t1=int(a[0]['ns']); v1=a[0]['venue']
            sec=[x for x in a[1:] if x['venue']!=v1]
            if not sec: continue
            yield t, i, t1, int(sec[0]['ns']), t['venues'][sec[0]['venue']]
for t, i, t1, t2, vp2 in pairs():
    lo=t1-40000; hi=t2
    print('t%d d%d gap %5.0f us  v2 state (X run, R/W runnable, S sleep): %s  cpu holders: %s'%(t['turn'],i,(t2-t1)/1e3,dur(vp2,lo,hi),holders(lo,hi,t)))

# aggregate per contender: gap, v2 runnable wait, time xarb threads held cpus during v2 wait, xarb strategy thread on-cpu after pair until sleep
print()
agg=collections.defaultdict(lambda: collections.defaultdict(list))
def first_sleep(tid,after,limit):
    oncpu=0; st=None; last=after
    for ns,s in state_ev[tid]:
        if ns<=after: st=s; continue
        if ns>after+limit: break
        if st=='X': oncpu+=ns-last
        last=ns
        if s=='S': return oncpu, ns-after
        st=s if not (s=='W' and st=='X') else st
    return oncpu, None
for t, i, t1, t2, vp2 in pairs():
    st=dur(vp2,t1-40000,t2); wait=st.get('W',0)+st.get('R',0)
    h=holders(t1-40000,t2,t)
    xh=sum(v for k,v in h.items() if k.startswith('xarb'))
    vh=sum(v for k,v in h.items() if k.startswith('v'))
    oh=sum(v for k,v in h.items() if not k.startswith('xarb') and not k.startswith('v') and not k.startswith('swapper'))
    idle=sum(v for k,v in h.items() if k.startswith('swapper'))
    # strategy thread: the xarb thread that woke v2 (last waking of vp2 by an xarb thread before t2)
    strat=None; wt=None
    for e in ev[bisect.bisect_left(times,t1-300000):bisect.bisect_right(times,t2)]:
        if e[2]=='sched_waking' and e[3]==t['pid'] and ('pid=%d '%vp2) in e[6]: strat=e[4]; wt=e[0]
    oc=first_sleep(strat,wt,20_000_000) if strat else (None,None)
    if strat: a_s=h.get('xarb:%d'%(strat-t['pid']),0); agg[t['contender']]['strategy_thread_hold'].append(a_s)
    a_=agg[t['contender']]
    a_['gap'].append((t2-t1)/1e3); a_['wait'].append(wait); a_['xarb_hold'].append(xh); a_['venue_hold'].append(vh); a_['other_hold'].append(oh); a_['idle'].append(idle)
    if oc[1] is not None: a_['strat_oncpu_after_pair'].append(oc[0]/1e3); a_['strat_until_sleep'].append(oc[1]/1e3)
def med(x): x=sorted(x); return x[len(x)//2] if x else None
for c,a_ in agg.items():
    print(c, {k:(round(med(v)),len(v)) for k,v in a_.items()})
