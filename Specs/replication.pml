/*
 * Luna's replication protocol as a bounded Promela model: ReplicationCore, ApplyOrder and
 * the group-commit window of Controller.submit (Specs/replication.md, "The model").
 * Deploy/check-model runs it with spin, as is and with REPORT_PENDING 0.
 *
 * Time is an integer. The hybrid clock ticks (+1) where lunad's does: a local event, a
 * release, a receive (after the max-merge with the sender's time) and a pull. Pulls come
 * whenever a controller likes, so a controller's physical clock running ahead is a run of
 * pulls. The clock stops at MAXT: no write past it, and ticks there stay put.
 */

#define N        2  /* controllers: 2 or 3 */
#define W        2  /* events each controller writes: the highest seq of an origin */
#define MAXCRASH 2  /* crashes in a run, over all controllers */
#define MAXT     5  /* the hybrid clock's bound */
#define MARGIN   1  /* how far past the clock a raised ceiling goes (10 s in lunad) */

/* 1: a report names the time of the oldest local event still being made durable.
   0: the old bug, a report names the hybrid clock even then. */
#ifndef REPORT_PENDING
#define REPORT_PENDING 1
#endif

/* 1: a controller's own term in the stable time is bounded by its durable ceiling.
   0: the old bug, its own unsent hybrid clock: a restart below that time could write
   events that sort before ones it had declared stable. */
#ifndef BOUND_BY_CEILING
#define BOUND_BY_CEILING 1
#endif

#if N < 2 || N > 3
#error "N must be 2 or 3"
#endif
#if N * W > 8
#error "sets of events are bytes: N * W must be at most 8"
#endif
/* Events are numbered origin * W + seq - 1: one origin's are consecutive, in seq order. */
#define E            (N * W)
#define ID(o, s)     ((o) * W + (s) - 1)
#define ORIGIN(e)    ((e) / W)
#define SEQ(e)       ((e) % W + 1)
#define BIT(e)       (1 << (e))
#define HAS(set, e)  (((set) >> (e)) & 1)
#define MAX(a, b)    ((a) > (b) -> (a) : (b))
#define MIN(a, b)    ((a) < (b) -> (a) : (b))
/* The apply order (hlc, origin, seq): on equal times the id decides, as it sorts by origin, seq. */
#define BEFORE(x, y) (etime[x] < etime[y] || (etime[x] == etime[y] && (x) < (y)))

typedef Controller {
    byte hyb;               /* hybrid clock: the last time given or seen */
    byte ceil;              /* durable ceiling: a restart starts the clock here */
    byte clock[N];          /* per origin, the highest seq held with no gap */
    byte durable[N];        /* per origin, how many held events the last fsync covered */
    byte written;           /* own events written; those past clock[me] are still pending */
    byte early;             /* events received ahead of a gap */
    byte repclock[N * N];   /* [peer * N + origin]: the merged clock each peer reported */
    byte reptime[N];        /* per peer, the highest time reported, plus one; 0 before any */
    byte caught;            /* peers caught up with since the last start: in sync when all */
    byte stable;            /* events declared stable since the last start */
    byte nstable;
    /* Not state of lunad: every event this controller declared stable, in order, across
       its restarts, to check that the order never changes. */
    byte declared[E];
    byte ndeclared;
    byte everdeclared
}

/* A message on its way. Who sent it and what kind it is are where it waits (Inbox). */
typedef Message {
    bit waiting;
    byte clock[N];          /* the sender's vector clock */
    byte time;              /* the sender's reported time */
    byte events             /* events messages: the events carried */
}

/* What is on its way to one controller: from each peer, one events message (pushes and
   pull answers) at m[2 * peer] and one pull at m[2 * peer + 1], as lunad's PeerQueue
   keeps them: new events merge into the waiting message, which then carries the newer
   report; a newer pull replaces the waiting one. Any message may be taken next. */
typedef Inbox {
    Message m[2 * N];
    byte n                  /* how many are waiting */
}

Controller c[N];
Inbox inbox[N];
byte etime[E];      /* each event's time; a seq lost in a crash is written again with a new one */
byte acked[N];      /* per origin, events acknowledged: durable at their origin */
byte crashes;
bit halted;         /* the network went quiet and the end-state checks ran */

/* Scratch, not state: each inline has its own, since they call one another. */
hidden byte slot, so, rp, rpull, ro, rs, he, sp, se, sh, cand, bound, fo, wo, co, cs;
hidden byte qi, qj, qo, qk, qe, rank, dq, dk, ok, inSync, found, changed;
hidden int rmask, fmask, before, after;
hidden Message got;

/* HybridClock.tick on a clock that has seen `seen`: one past it, or stuck at the bound. */
#define TICK(me, seen) c[me].hyb = MIN((seen) + 1, MAXT)
#define INSYNC(me)     (c[me].caught == (((1 << N) - 1) ^ (1 << (me))))
/* In the order: held, or an own event written and still being made durable. */
#define INORDER(me, e) (SEQ(e) <= c[me].clock[ORIGIN(e)] || (ORIGIN(e) == (me) && SEQ(e) <= c[me].written))

#if REPORT_PENDING
#define REPORTED(me) (c[me].written > c[me].clock[me] -> etime[ID(me, c[me].clock[me] + 1)] : c[me].hyb)
#else
#define REPORTED(me) (c[me].hyb)
#endif

/* ReplicationCore.message: the ceiling is raised first when the clock passed it, and made
   durable before the message leaves. */
inline send(me, to, isPull, evs) {
    if
    :: c[me].hyb > c[me].ceil -> c[me].ceil = MIN(c[me].hyb + MARGIN, MAXT)
    :: else -> skip
    fi;
    slot = 2 * me + isPull;
    if
    :: !inbox[to].m[slot].waiting -> inbox[to].n++
    :: else -> skip
    fi;
    inbox[to].m[slot].waiting = 1;
    for (so : 0 .. N - 1) { inbox[to].m[slot].clock[so] = c[me].clock[so] }
    inbox[to].m[slot].time = REPORTED(me);
    inbox[to].m[slot].events = inbox[to].m[slot].events | evs
}

/* Takes the message in slot k out of an inbox into `got`, and clears the slot. */
inline take(me, k) {
    for (so : 0 .. N - 1) {
        got.clock[so] = inbox[me].m[k].clock[so];
        inbox[me].m[k].clock[so] = 0
    }
    got.time = inbox[me].m[k].time;
    got.events = inbox[me].m[k].events;
    inbox[me].m[k].waiting = 0;
    inbox[me].m[k].time = 0;
    inbox[me].m[k].events = 0;
    inbox[me].n--;
    rp = k / 2;
    rpull = k % 2
}

/* Invariant "stable order never changes" (as ApplyOrder.add refuses): an event a controller
   learns sorts after every event it ever declared stable, across restarts, unless it is
   one of them, learned again after a crash lost it. */
inline learn(me, e) {
    assert(c[me].ndeclared == 0 || HAS(c[me].everdeclared, e) || BEFORE(c[me].declared[c[me].ndeclared - 1], e))
}

/* ReplicationCore.hold: a new event extending its origin's sequence is held, with any
   waiting behind it; one after a gap waits; a duplicate is dropped. */
inline hold(me, o, s) {
    /* A peer never holds an event its origin could still lose: pushes wait for durability. */
    assert(o != me || s <= c[me].clock[me]);
    if
    :: s <= c[me].clock[o] -> skip
    :: s == c[me].clock[o] + 1 ->
        he = ID(o, s);
        do
        :: learn(me, he);
           c[me].clock[o]++;
           c[me].hyb = MAX(c[me].hyb, etime[he]);
           if
           :: c[me].clock[o] < W && HAS(c[me].early, ID(o, c[me].clock[o] + 1)) ->
               he = ID(o, c[me].clock[o] + 1);
               c[me].early = c[me].early ^ BIT(he)
           :: else -> break
           fi
        od
    :: else -> c[me].early = c[me].early | BIT(ID(o, s))
    fi
}

/* ReplicationCore.stableTime and isStable, and ApplyOrder.settle: the tentative order's
   longest prefix of stable events becomes stable, each checked against the record. */
inline settle(me) {
    /* The stable time: the least reported time, this controller's included, once every
       peer reported and this controller holds all of the peer's own that it counted. */
    ok = 1;
#if BOUND_BY_CEILING
    bound = MIN(REPORTED(me), c[me].ceil);
#else
    bound = REPORTED(me);
#endif
    for (sp : 0 .. N - 1) {
        if
        :: sp == me -> skip
        :: else ->
            if
            :: c[me].reptime[sp] == 0 || c[me].clock[sp] < c[me].repclock[sp * N + sp] -> ok = 0
            :: else -> bound = MIN(bound, c[me].reptime[sp] - 1)
            fi
        fi
    }
    do
    :: ok ->
        cand = E;
        for (se : 0 .. E - 1) {
            if
            :: !HAS(c[me].stable, se) && INORDER(me, se) && (cand == E || BEFORE(se, cand)) -> cand = se
            :: else -> skip
            fi
        }
        if
        :: cand == E -> break
        :: else -> skip
        fi;
        /* How far every member holds the candidate's origin, per their reports. */
        sh = c[me].clock[ORIGIN(cand)];
        for (sp : 0 .. N - 1) {
            if
            :: sp != me -> sh = MIN(sh, c[me].repclock[sp * N + ORIGIN(cand)])
            :: else -> skip
            fi
        }
        if
        :: SEQ(cand) <= sh && etime[cand] < bound ->
            c[me].stable = c[me].stable | BIT(cand);
            if
            :: c[me].nstable < c[me].ndeclared ->
                /* Invariant "stable order never changes": after a restart a controller
                   declares the same events stable, in the same order. */
                assert(c[me].declared[c[me].nstable] == cand)
            :: else ->
                c[me].declared[c[me].ndeclared] = cand;
                c[me].ndeclared++;
                c[me].everdeclared = c[me].everdeclared | BIT(cand)
            fi;
            c[me].nstable++
        :: else -> break
        fi
    :: else -> break
    od
}

/* ReplicationCore.receive of `got`: merge the time and the report, answer a pull with what
   its clock lacks (any origin's events), hold events, note being caught up with the sender. */
inline receive(me) {
    TICK(me, MAX(c[me].hyb, got.time));
    for (ro : 0 .. N - 1) { c[me].repclock[rp * N + ro] = MAX(c[me].repclock[rp * N + ro], got.clock[ro]) }
    c[me].reptime[rp] = MAX(c[me].reptime[rp], got.time + 1);
    if
    :: rpull ->
        rmask = 0;
        for (ro : 0 .. N - 1) {
            for (rs : 1 .. W) {
                if
                :: rs > got.clock[ro] && rs <= c[me].clock[ro] -> rmask = rmask | BIT(ID(ro, rs))
                :: else -> skip
                fi
            }
        }
        if
        :: rmask != 0 -> send(me, rp, 0, rmask)
        :: else -> skip
        fi
    :: else ->
        for (ro : 0 .. N - 1) {
            for (rs : 1 .. W) {
                if
                :: HAS(got.events, ID(ro, rs)) -> hold(me, ro, rs)
                :: else -> skip
                fi
            }
        }
    fi;
    inSync = 1;
    for (ro : 0 .. N - 1) {
        if
        :: c[me].clock[ro] < got.clock[ro] -> inSync = 0
        :: else -> skip
        fi
    }
    if
    :: inSync -> c[me].caught = c[me].caught | BIT(rp)
    :: else -> skip
    fi;
    settle(me)
}

/* Controller.submit up to the fsync: the event gets its time and enters the order, but
   not the core's clock; it is pending until the fsync. */
inline write(me) {
    TICK(me, c[me].hyb);
    c[me].written++;
    etime[ID(me, c[me].written)] = c[me].hyb;
    learn(me, ID(me, c[me].written))
}

/* A group commit: everything logged is durable; pending local events are acknowledged,
   handed to the core (ReplicationCore.appendLocal) and pushed to every peer at once. */
inline fsync(me) {
    fmask = 0;
    do
    :: c[me].clock[me] < c[me].written ->
        c[me].clock[me]++;
        TICK(me, c[me].hyb);
        fmask = fmask | BIT(ID(me, c[me].clock[me]))
    :: else -> break
    od;
    acked[me] = c[me].written;
    for (fo : 0 .. N - 1) { c[me].durable[fo] = c[me].clock[fo] }
    if
    :: fmask != 0 ->
        for (fo : 0 .. N - 1) {
            if
            :: fo != me -> send(me, fo, 0, fmask)
            :: else -> skip
            fi
        }
        settle(me)
    :: else -> skip
    fi
}

/* ReplicationCore.tick: the clock ticks and every peer gets a pull. */
inline pullPeers(me) {
    TICK(me, c[me].hyb);
    for (wo : 0 .. N - 1) {
        if
        :: wo != me -> send(me, wo, 1, 0)
        :: else -> skip
        fi
    }
}

/* A crash and restart: what the last fsync did not cover is gone (pending local events,
   received events); the core starts again from the log and the ceiling, knowing no
   reports and caught up with nobody. Messages on their way to it stay on their way (a
   sender's queue outlives the receiver's restart), so it may take a stale report after
   it, and its own stay on their way too. */
inline crash(me) {
    crashes++;
    for (co : 0 .. N - 1) {
        c[me].clock[co] = c[me].durable[co];
        c[me].reptime[co] = 0;
        for (cs : 0 .. N - 1) { c[me].repclock[co * N + cs] = 0 }
    }
    c[me].written = c[me].clock[me];
    c[me].early = 0;
    c[me].caught = 0;
    c[me].stable = 0;
    c[me].nstable = 0;
    c[me].hyb = c[me].ceil;
    for (co : 0 .. N - 1) {
        for (cs : 1 .. W) {
            if
            :: cs <= c[me].clock[co] -> c[me].hyb = MAX(c[me].hyb, etime[ID(co, cs)])
            :: else -> skip
            fi
        }
    }
}

/* One step of a controller, while the network is not yet quiet. The skip: spin cannot end
   a d_step with a loop. */
#define STEP(guard, action) :: d_step { !halted && (guard) -> action; skip }
#define RECEIVE(k)          STEP(inbox[me].m[k].waiting, take(me, k); receive(me))
#define LOSE(k)             STEP(inbox[me].m[k].waiting, take(me, k))

/* A controller takes any enabled step: write (only in sync), fsync, pull, crash, or take
   or lose any waiting message (the slots of its own messages to itself stay empty). */
active [N] proctype controller() {
    byte me = _pid;
end:
    do
    STEP(INSYNC(me) && c[me].written < W && c[me].hyb < MAXT, write(me))
    STEP(true, fsync(me))
    STEP(true, pullPeers(me))
    STEP(crashes < MAXCRASH, crash(me))
    RECEIVE(0)
    RECEIVE(1)
    RECEIVE(2)
    RECEIVE(3)
    LOSE(0)
    LOSE(1)
    LOSE(2)
    LOSE(3)
#if N == 3
    RECEIVE(4)
    RECEIVE(5)
    LOSE(4)
    LOSE(5)
#endif
    od
}

/* Every waiting message is taken, answers included, until none is left. */
inline drain() {
    found = 1;
    do
    :: found ->
        found = 0;
        for (dq : 0 .. N - 1) {
            for (dk : 0 .. 2 * N - 1) {
                if
                :: !found && inbox[dq].m[dk].waiting -> found = 1; take(dq, dk); receive(dq)
                :: else -> skip
                fi
            }
        }
    :: else -> break
    od
}

/* How many events all controllers hold together. */
inline held(count) {
    count = 0;
    for (qi : 0 .. N - 1) {
        for (qo : 0 .. N - 1) { count = count + c[qi].clock[qo] }
    }
}

/* Nothing on its way to a controller, and no local event of its own pending. */
#define SETTLED(i) (inbox[i].n == 0 && c[i].written == c[i].clock[i])
#if N == 2
#define QUIET (SETTLED(0) && SETTLED(1))
#else
#define QUIET (SETTLED(0) && SETTLED(1) && SETTLED(2))
#endif

/* The network goes quiet in any state where nothing is on its way and no write is pending
   (every state reaches such a one by delivering and fsyncing): no more writes, crashes or
   losses, and every controller pulls from every peer until a round brings nothing new.
   Then the end-state invariants must hold. */
active proctype quiet() {
    d_step {
        QUIET;
        halted = 1;
        changed = 1;
        do
        :: changed ->
            held(before);
            for (qi : 0 .. N - 1) {
                for (qj : 0 .. N - 1) {
                    if
                    :: qi != qj -> send(qi, qj, 1, 0); drain()
                    :: else -> skip
                    fi
                }
            }
            held(after);
            changed = after != before
        :: else -> break
        od;
        for (qi : 0 .. N - 1) {
            for (qo : 0 .. N - 1) {
                /* Invariant "no lost acknowledged event": every controller holds every
                   event acknowledged at its origin. */
                assert(c[qi].clock[qo] >= acked[qo]);
                /* Invariant "convergence": every controller holds the same events, so
                   applies them in the same order. */
                assert(c[qi].clock[qo] == c[0].clock[qo])
            }
            /* Invariant "stable order never changes": what each controller ever declared
               stable is a prefix of the final order. */
            for (qk : 0 .. E - 1) {
                if
                :: qk < c[qi].ndeclared ->
                    rank = 0;
                    for (qe : 0 .. E - 1) {
                        if
                        :: SEQ(qe) <= c[0].clock[ORIGIN(qe)] && BEFORE(qe, c[qi].declared[qk]) -> rank++
                        :: else -> skip
                        fi
                    }
                    assert(SEQ(c[qi].declared[qk]) <= c[0].clock[ORIGIN(c[qi].declared[qk])] && rank == qk)
                :: else -> skip
                fi
            }
        }
    }
}
