/* test_ctrl_fsm.c: the control connection and call state machines (lib/ctrl_fsm.c). */
#include <string.h>

#include "ctrl_fsm.h"
#include "rules.h"
#include "ut.h"


/* the collecting sink shared by the unit tests (ut_main.c) */
#define sink ut_sink
#define nf ut_nf
#define fs ut_fs
#define clear ut_clear
#define count ut_count
#define first ut_first
static pt_where at;
static pt_ctrl_event ev;

static pt_ctrl_conn cc;

static void reset(void)
{
	pt_ctrl_conn_init(&cc);
	memset(&at, 0, sizeof at);
	at.conn = 1;
	at.call = -1;
	clear();
}

/* ---- message makers --------------------------------------------------- */

static pt_ctrl_msg msg(uint16_t type)
{
	pt_ctrl_msg m;
	pt_ctrl_init(&m, type);
	return m;
}

/* Feed one message at time t (seconds), from dir. */
static int feed(int dir, const pt_ctrl_msg *m, int64_t t)
{
	at.pkt++;
	at.ts_us = t * 1000000;
	at.dir = dir;
	return pt_ctrl_conn_on_msg(&cc, dir, m, &sink, &at, &ev);
}

static int sccrq(int dir)
{
	pt_ctrl_msg m = msg(PT_CTRL_SCCRQ);
	m.u.sccrq.version = PT_PPTP_VERSION;
	return feed(dir, &m, 0);
}

static int sccrp(int dir, uint8_t result)
{
	pt_ctrl_msg m = msg(PT_CTRL_SCCRP);
	m.u.sccrp.version = PT_PPTP_VERSION;
	m.u.sccrp.result = result;
	m.u.sccrp.max_channels = 10;
	return feed(dir, &m, 0);
}

static int stopccrq(int dir)
{
	pt_ctrl_msg m = msg(PT_CTRL_STOPCCRQ);
	m.u.stopccrq.reason = PT_STOP_LOCAL_SHUTDOWN;
	return feed(dir, &m, 0);
}

static int stopccrp(int dir)
{
	pt_ctrl_msg m = msg(PT_CTRL_STOPCCRP);
	m.u.stopccrp.result = 1;
	return feed(dir, &m, 0);
}

static int echorq(int dir, uint32_t id, int64_t t)
{
	pt_ctrl_msg m = msg(PT_CTRL_ECHORQ);
	m.u.echorq.id = id;
	return feed(dir, &m, t);
}

static int echorp(int dir, uint32_t id, int64_t t)
{
	pt_ctrl_msg m = msg(PT_CTRL_ECHORP);
	m.u.echorp.id = id;
	m.u.echorp.result = 1;
	return feed(dir, &m, t);
}

static int ocrq(int dir, uint16_t id, uint16_t window)
{
	pt_ctrl_msg m = msg(PT_CTRL_OCRQ);
	m.u.ocrq.call_id = id;
	m.u.ocrq.recv_window = window;
	m.u.ocrq.proc_delay = 1;
	m.u.ocrq.bearer_type = 3;
	m.u.ocrq.framing_type = 3;
	return feed(dir, &m, 0);
}

static int ocrp(int dir, uint16_t id, uint16_t peer, uint8_t result, uint16_t window)
{
	pt_ctrl_msg m = msg(PT_CTRL_OCRP);
	m.u.ocrp.call_id = id;
	m.u.ocrp.peer_call_id = peer;
	m.u.ocrp.result = result;
	m.u.ocrp.recv_window = window;
	m.u.ocrp.proc_delay = 2;
	m.u.ocrp.connect_speed = 64000;
	m.u.ocrp.cause = 0x10;
	return feed(dir, &m, 0);
}

static int icrq(int dir, uint16_t id)
{
	pt_ctrl_msg m = msg(PT_CTRL_ICRQ);
	m.u.icrq.call_id = id;
	m.u.icrq.bearer_type = 1;
	return feed(dir, &m, 0);
}

static int icrp(int dir, uint16_t id, uint16_t peer, uint8_t result)
{
	pt_ctrl_msg m = msg(PT_CTRL_ICRP);
	m.u.icrp.call_id = id;
	m.u.icrp.peer_call_id = peer;
	m.u.icrp.result = result;
	m.u.icrp.recv_window = 32;
	return feed(dir, &m, 0);
}

static int iccn(int dir, uint16_t peer)
{
	pt_ctrl_msg m = msg(PT_CTRL_ICCN);
	m.u.iccn.peer_call_id = peer;
	m.u.iccn.recv_window = 8;
	m.u.iccn.connect_speed = 33600;
	m.u.iccn.framing_type = 1;
	return feed(dir, &m, 0);
}

static int ccrq(int dir, uint16_t id)
{
	pt_ctrl_msg m = msg(PT_CTRL_CCRQ);
	m.u.ccrq.call_id = id;
	return feed(dir, &m, 0);
}

static int cdn(int dir, uint16_t id, uint8_t result)
{
	pt_ctrl_msg m = msg(PT_CTRL_CDN);
	m.u.cdn.call_id = id;
	m.u.cdn.result = result;
	m.u.cdn.cause = 7;
	return feed(dir, &m, 0);
}

static int wen(int dir, uint16_t peer)
{
	pt_ctrl_msg m = msg(PT_CTRL_WEN);
	m.u.wen.peer_call_id = peer;
	m.u.wen.crc_errors = 3;
	return feed(dir, &m, 0);
}

static int sli(int dir, uint16_t peer)
{
	pt_ctrl_msg m = msg(PT_CTRL_SLI);
	m.u.sli.peer_call_id = peer;
	m.u.sli.send_accm = 0;
	m.u.sli.recv_accm = 0xffffffff;
	return feed(dir, &m, 0);
}

#define PNS PT_DIR_PNS
#define PAC PT_DIR_PAC

static void establish(void)
{
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(sccrp(PAC, 1), PT_OK);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_ESTABLISHED);
}

/* ---- sequences ----------------------------------------------------------- */

static void test_normal_session(void)
{
	reset();
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CONN_REQUEST);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_WAIT_SCCRP);
	CU_ASSERT_EQUAL(cc.initiator, PNS);
	CU_ASSERT_EQUAL(sccrp(PAC, 1), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CONN_UP);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_ESTABLISHED);
	CU_ASSERT_EQUAL(cc.max_channels, 10);

	CU_ASSERT_EQUAL(ocrq(PNS, 100, 64), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_REQUEST);
	CU_ASSERT_EQUAL(ev.call, 0);
	CU_ASSERT_EQUAL(ev.pns_call_id, 100);
	CU_ASSERT_EQUAL(cc.calls[0].state, PT_CALL_WAIT_OCRP);
	CU_ASSERT_EQUAL(ocrp(PAC, 200, 100, 1, 16), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_UP);
	CU_ASSERT_EQUAL(ev.call, 0);
	CU_ASSERT_EQUAL(ev.pns_call_id, 100);
	CU_ASSERT_EQUAL(ev.pac_call_id, 200);
	CU_ASSERT_EQUAL(ev.pns_window, 64);
	CU_ASSERT_EQUAL(ev.pac_window, 16);
	CU_ASSERT_EQUAL(ev.pns_delay, 1);
	CU_ASSERT_EQUAL(ev.pac_delay, 2);
	CU_ASSERT_EQUAL(ev.connect_speed, 64000);
	CU_ASSERT_EQUAL(cc.calls[0].state, PT_CALL_ESTABLISHED);
	CU_ASSERT_EQUAL(cc.live_calls, 1);

	CU_ASSERT_EQUAL(sli(PNS, 200), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_LINK_INFO);
	CU_ASSERT_EQUAL(ev.recv_accm, 0xffffffff);
	CU_ASSERT_EQUAL(cc.calls[0].has_accm, 1);

	CU_ASSERT_EQUAL(echorq(PAC, 7, 10), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_ECHO_REQUEST);
	CU_ASSERT_EQUAL(echorp(PNS, 7, 11), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_ECHO_MATCHED);
	CU_ASSERT_EQUAL(ev.echo_id, 7);
	CU_ASSERT_EQUAL(ev.req_ts_us, 10000000);
	CU_ASSERT_EQUAL(at.ts_us - ev.req_ts_us, 1000000); /* rtt */

	CU_ASSERT_EQUAL(ccrq(PNS, 100), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_CLEARING);
	CU_ASSERT_EQUAL(cc.calls[0].state, PT_CALL_WAIT_CDN);
	CU_ASSERT_EQUAL(cdn(PAC, 200, 4), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_DOWN);
	CU_ASSERT_EQUAL(ev.result, 4);
	CU_ASSERT_EQUAL(ev.cause, 7);
	CU_ASSERT_EQUAL(ev.cleared, 1);
	CU_ASSERT_EQUAL(cc.calls[0].state, PT_CALL_CLOSED);
	CU_ASSERT_EQUAL(cc.live_calls, 0);

	CU_ASSERT_EQUAL(stopccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CONN_STOPPING);
	CU_ASSERT_EQUAL(ev.reason, PT_STOP_LOCAL_SHUTDOWN);
	CU_ASSERT_EQUAL(stopccrp(PAC), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CONN_STOPPED);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_CLOSED);
	CU_ASSERT_EQUAL(nf, 0);
	pt_ctrl_conn_finish(&cc, &sink, &at);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(cc.msgs[PNS], 6);
	CU_ASSERT_EQUAL(cc.msgs[PAC], 5);
}

static void test_incoming_call(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(icrq(PAC, 300), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_REQUEST);
	CU_ASSERT_EQUAL(cc.calls[ev.call].incoming, 1);
	CU_ASSERT_EQUAL(icrp(PNS, 400, 300, 1), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_ACCEPTED);
	CU_ASSERT_EQUAL(ev.pns_call_id, 400);
	CU_ASSERT_EQUAL(ev.pac_call_id, 300);
	CU_ASSERT_EQUAL(iccn(PAC, 400), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_UP);
	CU_ASSERT_EQUAL(ev.pns_window, 32);
	CU_ASSERT_EQUAL(ev.pac_window, 8);
	CU_ASSERT_EQUAL(ev.connect_speed, 33600);
	CU_ASSERT_EQUAL(wen(PAC, 400), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_WAN_ERROR);
	CU_ASSERT_EQUAL(cdn(PAC, 300, 1), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_DOWN);
	CU_ASSERT_EQUAL(nf, 0);
	/* refused incoming call */
	CU_ASSERT_EQUAL(icrq(PAC, 301), PT_OK);
	CU_ASSERT_EQUAL(icrp(PNS, 0, 301, 3), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_REFUSED);
	CU_ASSERT_EQUAL(ev.result, 3);
	CU_ASSERT_EQUAL(cc.live_calls, 0);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_refused_sccrq(void)
{
	reset();
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(sccrp(PAC, 4), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CONN_REFUSED);
	CU_ASSERT_EQUAL(ev.result, 4);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_CLOSED);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(ocrq(PNS, 1, 0), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_AFTER_CLOSE), 1);
	CU_ASSERT_EQUAL(cc.live_calls, 0);
	pt_ctrl_conn_finish(&cc, &sink, &at);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CONN_NOT_STOPPED), 0);
}

static void test_ocrq_before_sccrp(void)
{
	reset();
	CU_ASSERT_EQUAL(ocrq(PNS, 5, 0), PT_ESTATE); /* idle */
	CU_ASSERT_EQUAL(count(PT_R_FSM_NOT_ESTABLISHED), 1);
	reset();
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(ocrq(PNS, 5, 0), PT_ESTATE); /* awaiting SCCRP */
	CU_ASSERT_EQUAL(count(PT_R_FSM_NOT_ESTABLISHED), 1);
	CU_ASSERT(strstr(first(PT_R_FSM_NOT_ESTABLISHED)->msg, "wait-SCCRP") != NULL);
	/* the call is still tracked so later messages do not cascade */
	CU_ASSERT_EQUAL(sccrp(PAC, 1), PT_OK);
	clear();
	CU_ASSERT_EQUAL(ocrp(PAC, 6, 5, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_second_sccrq(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(sccrq(PNS), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_SCCRQ_REPEATED), 1);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_ESTABLISHED);
	/* the same side twice while waiting */
	reset();
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(sccrq(PNS), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_SCCRQ_REPEATED), 1);
	/* both sides at once: a collision (RFC 2637 3.1.3), then either reply */
	reset();
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(sccrq(PAC), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_FSM_SCCRQ_COLLISION), 1);
	CU_ASSERT_EQUAL(cc.collision, 1);
	CU_ASSERT_EQUAL(sccrp(PNS, 1), PT_OK);
	CU_ASSERT_EQUAL(sccrp(PAC, 1), PT_OK);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_ESTABLISHED);
	CU_ASSERT_EQUAL(count(PT_R_FSM_PNS_MAX_CHANNELS), 1); /* the PNS's SCCRP says 10 */
	CU_ASSERT_EQUAL(nf, 2);
}

static void test_unsolicited(void)
{
	reset();
	CU_ASSERT_EQUAL(sccrp(PAC, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_UNSOLICITED_REPLY), 1);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_IDLE);
	reset();
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(sccrp(PNS, 1), PT_ESTATE); /* answering its own request */
	CU_ASSERT_EQUAL(count(PT_R_FSM_UNSOLICITED_REPLY), 1);
	reset();
	establish();
	CU_ASSERT_EQUAL(stopccrp(PAC), PT_ESTATE);
	CU_ASSERT_EQUAL(sccrp(PAC, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_UNSOLICITED_REPLY), 2);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_ESTABLISHED);
}

static void test_unknown_calls(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(ocrp(PAC, 9, 77, 1, 0), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_UNKNOWN), 1);
	CU_ASSERT(strstr(first(PT_R_FSM_CALL_UNKNOWN)->msg, "77") != NULL);
	clear();
	CU_ASSERT_EQUAL(cdn(PAC, 55, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_UNKNOWN), 1);
	clear();
	CU_ASSERT_EQUAL(ccrq(PNS, 56), PT_ESTATE);
	CU_ASSERT_EQUAL(iccn(PAC, 57), PT_ESTATE);
	CU_ASSERT_EQUAL(icrp(PNS, 1, 58, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(wen(PAC, 59), PT_ESTATE);
	CU_ASSERT_EQUAL(sli(PNS, 60), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_UNKNOWN), 5);
	/* CDN names the PAC's Call ID, not the PNS's */
	CU_ASSERT_EQUAL(ocrq(PNS, 100, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrp(PAC, 200, 100, 1, 0), PT_OK);
	clear();
	CU_ASSERT_EQUAL(cdn(PAC, 100, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_UNKNOWN), 1);
	CU_ASSERT_EQUAL(cdn(PAC, 200, 1), PT_OK);
	/* a closed call is not live any more */
	clear();
	CU_ASSERT_EQUAL(cdn(PAC, 200, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_UNKNOWN), 1);
	/* but lookups still find it */
	CU_ASSERT_EQUAL(pt_ctrl_conn_find_pac(&cc, 200), 0);
	CU_ASSERT_EQUAL(pt_ctrl_conn_find_pns(&cc, 100), 0);
	CU_ASSERT_EQUAL(pt_ctrl_conn_find_pns(&cc, 101), -1);
	CU_ASSERT_PTR_NOT_NULL(pt_ctrl_conn_call(&cc, 0));
	CU_ASSERT_EQUAL(pt_ctrl_conn_call(&cc, 0)->state, PT_CALL_CLOSED);
	CU_ASSERT_PTR_NULL(pt_ctrl_conn_call(&cc, 5));
	CU_ASSERT_PTR_NULL(pt_ctrl_conn_call(&cc, -1));
	CU_ASSERT_PTR_NULL(pt_ctrl_conn_call(&cc, PT_CTRL_MAX_CALLS));
}

static void test_echo(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(echorp(PNS, 9, 1), PT_ESTATE); /* nothing asked */
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNMATCHED), 1);
	clear();
	CU_ASSERT_EQUAL(echorq(PNS, 10, 1), PT_OK);
	CU_ASSERT_EQUAL(echorp(PNS, 10, 2), PT_ESTATE); /* answering itself */
	CU_ASSERT_EQUAL(echorp(PAC, 11, 2), PT_ESTATE); /* wrong id */
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNMATCHED), 2);
	CU_ASSERT(strstr(first(PT_R_FSM_ECHO_UNMATCHED)->msg, "0x0000000a") != NULL);
	clear();
	CU_ASSERT_EQUAL(echorp(PAC, 10, 3), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_ECHO_MATCHED);
	CU_ASSERT_EQUAL(echorp(PAC, 10, 3), PT_ESTATE); /* answered already */
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNMATCHED), 1);
	/* both sides with the same id: each reply matches the other side's */
	clear();
	CU_ASSERT_EQUAL(echorq(PNS, 20, 4), PT_OK);
	CU_ASSERT_EQUAL(echorq(PAC, 20, 4), PT_OK);
	CU_ASSERT_EQUAL(echorp(PNS, 20, 5), PT_OK);
	CU_ASSERT_EQUAL(ev.req_pkt, at.pkt - 1); /* the PAC's request */
	CU_ASSERT_EQUAL(echorp(PAC, 20, 5), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_echo_timeout(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(echorq(PNS, 1, 100), PT_OK);
	pt_ctrl_conn_tick(&cc, 159 * 1000000LL, &sink, &at);
	CU_ASSERT_EQUAL(nf, 0);
	pt_ctrl_conn_tick(&cc, 160 * 1000000LL, &sink, &at);
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNANSWERED), 1);
	pt_ctrl_conn_tick(&cc, 200 * 1000000LL, &sink, &at);
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNANSWERED), 1); /* once */
	pt_ctrl_conn_finish(&cc, &sink, &at);
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNANSWERED), 1);
	/* a late reply still matches */
	clear();
	CU_ASSERT_EQUAL(echorp(PAC, 1, 300), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_ECHO_MATCHED);
	/* the echo table has a cap: the oldest unanswered one is reported when dropped */
	reset();
	establish();
	for (uint32_t i = 0; i < PT_CTRL_MAX_ECHO; i++)
		CU_ASSERT_EQUAL(echorq(PAC, i, (int64_t)i), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(echorq(PAC, 99, 50), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNANSWERED), 1);
	CU_ASSERT(strstr(first(PT_R_FSM_ECHO_UNANSWERED)->msg, "0x00000000") != NULL);
	CU_ASSERT_EQUAL(echorp(PNS, 99, 51), PT_OK);
	CU_ASSERT_EQUAL(echorp(PNS, 0, 51), PT_ESTATE);
}

static void test_duplicate_call_id(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(ocrq(PNS, 100, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrq(PNS, 100, 0), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_ID_DUP), 1);
	CU_ASSERT_EQUAL(first(PT_R_FSM_CALL_ID_DUP)->at.call, 0);
	CU_ASSERT_EQUAL(ev.call, 1);
	CU_ASSERT_EQUAL(cc.calls[0].state, PT_CALL_CLOSED); /* the older one gave way */
	CU_ASSERT_EQUAL(cc.live_calls, 1);
	clear();
	CU_ASSERT_EQUAL(ocrp(PAC, 200, 100, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(ev.call, 1);
	/* the PAC reusing one of its own ids */
	CU_ASSERT_EQUAL(ocrq(PNS, 101, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrp(PAC, 200, 101, 1, 0), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_ID_DUP), 1);
	CU_ASSERT_EQUAL(cc.calls[1].state, PT_CALL_CLOSED);
	CU_ASSERT_EQUAL(pt_ctrl_conn_find_pac(&cc, 200), 2);
	/* a closed call's id may be used again */
	clear();
	CU_ASSERT_EQUAL(ocrq(PNS, 100, 0), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_wrong_sender(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(ocrq(PAC, 1, 0), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_WRONG_SENDER), 1);
	CU_ASSERT(strstr(first(PT_R_FSM_WRONG_SENDER)->msg, "RFC 2637 2.7") != NULL);
	CU_ASSERT_EQUAL(cc.live_calls, 0);
	CU_ASSERT_EQUAL(ocrq(PNS, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrp(PNS, 2, 1, 1, 0), PT_ESTATE);
	CU_ASSERT_EQUAL(ccrq(PAC, 1), PT_ESTATE);  /* pptp-linux answers this; the PAC never sends it */
	CU_ASSERT_EQUAL(cdn(PNS, 2, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_WRONG_SENDER), 4);
	CU_ASSERT_EQUAL(ocrp(PAC, 2, 1, 1, 0), PT_OK);
	/* SLI from the PAC: a warning, and it names the PNS's Call ID */
	clear();
	CU_ASSERT_EQUAL(sli(PAC, 1), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_FSM_SLI_FROM_PAC), 1);
	CU_ASSERT_EQUAL(count(PT_R_FSM_WRONG_SENDER), 0);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_LINK_INFO);
	CU_ASSERT_EQUAL(nf, 1);
	/* role hints */
	CU_ASSERT_EQUAL(pt_ctrl_role_hint(PT_CTRL_OCRQ), PNS);
	CU_ASSERT_EQUAL(pt_ctrl_role_hint(PT_CTRL_ICRQ), PAC);
	CU_ASSERT_EQUAL(pt_ctrl_role_hint(PT_CTRL_CDN), PAC);
	CU_ASSERT_EQUAL(pt_ctrl_role_hint(PT_CTRL_SLI), PNS);
	CU_ASSERT_EQUAL(pt_ctrl_role_hint(PT_CTRL_SCCRQ), PT_DIR_UNKNOWN);
	CU_ASSERT_EQUAL(pt_ctrl_role_hint(0), PT_DIR_UNKNOWN);
	/* bad arguments */
	{
		pt_ctrl_msg m = msg(PT_CTRL_ECHORQ);
		CU_ASSERT_EQUAL(pt_ctrl_conn_on_msg(&cc, PT_DIR_UNKNOWN, &m, &sink, &at, &ev), PT_EINVAL);
		m.type = 0;
		CU_ASSERT_EQUAL(pt_ctrl_conn_on_msg(&cc, PNS, &m, &sink, &at, NULL), PT_EINVAL);
	}
}

static void test_call_state(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(ocrq(PNS, 100, 0), PT_OK);
	clear();
	CU_ASSERT_EQUAL(iccn(PAC, 100), PT_ESTATE); /* ICCN for an outgoing call */
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_STATE), 1);
	CU_ASSERT_EQUAL(first(PT_R_FSM_CALL_STATE)->at.call, 0);
	CU_ASSERT(strstr(first(PT_R_FSM_CALL_STATE)->msg, "wait-OCRP") != NULL);
	CU_ASSERT_EQUAL(wen(PAC, 100), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_STATE), 2);
	CU_ASSERT_EQUAL(ocrp(PAC, 200, 100, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrp(PAC, 200, 100, 1, 0), PT_ESTATE); /* second reply */
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_STATE), 3);
	CU_ASSERT_EQUAL(ccrq(PNS, 100), PT_OK);
	CU_ASSERT_EQUAL(ccrq(PNS, 100), PT_ESTATE); /* cleared twice */
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_STATE), 4);
	/* refused outgoing call: closed */
	CU_ASSERT_EQUAL(ocrq(PNS, 101, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrp(PAC, 0, 101, 4, 0), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_REFUSED);
	CU_ASSERT_EQUAL(ev.result, 4);
	CU_ASSERT_EQUAL(ev.cause, 0x10);
	/* an OCRP crossing the CCRQ is fine and the call still awaits CDN */
	CU_ASSERT_EQUAL(ocrq(PNS, 102, 0), PT_OK);
	CU_ASSERT_EQUAL(ccrq(PNS, 102), PT_OK);
	clear();
	CU_ASSERT_EQUAL(ocrp(PAC, 202, 102, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(cc.calls[ev.call].state, PT_CALL_WAIT_CDN);
	CU_ASSERT_EQUAL(cdn(PAC, 202, 4), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_stop_clears_calls(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(ocrq(PNS, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrp(PAC, 11, 1, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrq(PNS, 2, 0), PT_OK);
	CU_ASSERT_EQUAL(stopccrq(PAC), PT_OK);
	CU_ASSERT_EQUAL(cc.stopper, PAC);
	/* the other side may still have messages in flight */
	CU_ASSERT_EQUAL(ocrp(PAC, 12, 2, 1, 0), PT_ESTATE); /* but not the stopper */
	CU_ASSERT_EQUAL(count(PT_R_FSM_AFTER_OWN_STOP), 1);
	CU_ASSERT_EQUAL(echorq(PNS, 5, 0), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_FSM_AFTER_OWN_STOP), 1);
	CU_ASSERT_EQUAL(stopccrp(PNS), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CONN_STOPPED);
	CU_ASSERT_EQUAL(ev.cleared, 3); /* calls 0 and 1 */
	CU_ASSERT_EQUAL(cc.live_calls, 0);
	clear();
	CU_ASSERT_EQUAL(echorq(PNS, 6, 0), PT_ESTATE);
	CU_ASSERT_EQUAL(count(PT_R_FSM_AFTER_CLOSE), 1);
	clear();
	/* a request younger than 60 s when the capture ends is not yet unanswered */
	pt_ctrl_conn_finish(&cc, &sink, &at);
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNANSWERED), 0);
	at.ts_us += PT_CTRL_ECHO_TIMEOUT_US;
	pt_ctrl_conn_finish(&cc, &sink, &at);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_NOT_CLEARED), 0);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CONN_NOT_STOPPED), 0);
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNANSWERED), 1); /* the 5 sent during the stop */
}

static void test_finish(void)
{
	reset();
	establish();
	CU_ASSERT_EQUAL(ocrq(PNS, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(ocrp(PAC, 11, 1, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(icrq(PAC, 12), PT_OK);
	CU_ASSERT_EQUAL(echorq(PAC, 3, 0), PT_OK);
	at.ts_us += PT_CTRL_ECHO_TIMEOUT_US;
	pt_ctrl_conn_finish(&cc, &sink, &at);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_NOT_CLEARED), 2);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CONN_NOT_STOPPED), 1);
	CU_ASSERT_EQUAL(count(PT_R_FSM_ECHO_UNANSWERED), 1);
	CU_ASSERT_EQUAL(first(PT_R_FSM_CALL_NOT_CLEARED)->at.call, 0);
	CU_ASSERT_EQUAL(nf, 4);
	/* an idle connection that never saw a message: nothing to say */
	reset();
	pt_ctrl_conn_finish(&cc, &sink, &at);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_eviction(void)
{
	reset();
	establish();
	for (int i = 0; i < PT_CTRL_MAX_CALLS; i++)
		CU_ASSERT_EQUAL(ocrq(PNS, (uint16_t)(1000 + i), 0), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(cc.live_calls, PT_CTRL_MAX_CALLS);
	CU_ASSERT_EQUAL(ocrq(PNS, 5000, 0), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_EVICTED), 1);
	CU_ASSERT_EQUAL(first(PT_R_FSM_CALL_EVICTED)->at.call, 0);
	CU_ASSERT_EQUAL(cc.calls_evicted, 1);
	CU_ASSERT_EQUAL(cc.live_calls, PT_CTRL_MAX_CALLS);
	CU_ASSERT_EQUAL(ev.call, 0);
	clear();
	CU_ASSERT_EQUAL(ocrp(PAC, 1, 1000, 1, 0), PT_ESTATE); /* the evicted one */
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_UNKNOWN), 1);
	/* closed calls are reused before live ones are evicted */
	CU_ASSERT_EQUAL(ocrp(PAC, 2, 1001, 4, 0), PT_OK); /* refused: slot 1 closed */
	clear();
	CU_ASSERT_EQUAL(ocrq(PNS, 6000, 0), PT_OK);
	CU_ASSERT_EQUAL(ev.call, 1);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_midstream(void)
{
	reset();
	pt_ctrl_conn_set_midstream(&cc, 1);
	/* its OCRQ was before the capture: the call is adopted, not reported */
	CU_ASSERT_EQUAL(ocrp(PAC, 200, 100, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(ev.kind, PT_CEV_CALL_UP);
	CU_ASSERT_EQUAL(pt_ctrl_conn_find_pac(&cc, 200), ev.call);
	CU_ASSERT_EQUAL(count(PT_R_FSM_MIDSTREAM), 1);
	CU_ASSERT_EQUAL(count(PT_R_FSM_NOT_ESTABLISHED), 0);
	CU_ASSERT_EQUAL(count(PT_R_FSM_CALL_UNKNOWN), 0);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_ESTABLISHED);
	clear();
	CU_ASSERT_EQUAL(ocrq(PNS, 101, 0), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	/* a midstream capture that does start with SCCRQ is a normal one */
	reset();
	pt_ctrl_conn_set_midstream(&cc, 1);
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(cc.state, PT_CONN_WAIT_SCCRP);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_pns_max_channels(void)
{
	pt_ctrl_msg m;

	reset();
	m = msg(PT_CTRL_SCCRQ);
	m.u.sccrq.version = PT_PPTP_VERSION;
	m.u.sccrq.max_channels = 4;
	CU_ASSERT_EQUAL(feed(PNS, &m, 0), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_FSM_PNS_MAX_CHANNELS), 1);
	/* from the PAC it is its capacity */
	reset();
	CU_ASSERT_EQUAL(feed(PAC, &m, 0), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(cc.max_channels, 4);
}

/* ---- may_send: the same table, no side effects --------------------------- */

static void test_may_send(void)
{
	pt_ctrl_conn before;

	reset();
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_SCCRQ), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_SCCRQ), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_OCRQ), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_OCRQ), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_SCCRP), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, 0), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, 7, PT_CTRL_SCCRQ), PT_EINVAL);
	CU_ASSERT_EQUAL(sccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_SCCRP), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_SCCRP), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_SCCRQ), PT_ESTATE);
	CU_ASSERT_EQUAL(sccrp(PAC, 1), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_OCRQ), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_ICRQ), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_OCRP), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_ECHORQ), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_ECHORP), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_SCCRQ), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_STOPCCRP), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_SLI), PT_ESTATE);
	CU_ASSERT_EQUAL(echorq(PAC, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_ECHORP), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_ECHORP), PT_ESTATE);
	CU_ASSERT_EQUAL(ocrq(PNS, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_OCRP), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_CCRQ), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_CDN), PT_ESTATE); /* PAC id not yet known */
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_ICCN), PT_ESTATE);
	CU_ASSERT_EQUAL(ocrp(PAC, 2, 1, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_CDN), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_SLI), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_SLI), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_WEN), PT_OK);
	/* no side effects */
	memcpy(&before, &cc, sizeof cc);
	for (uint16_t t = 0; t <= 16; t++) {
		pt_ctrl_conn_may_send(&cc, PNS, t);
		pt_ctrl_conn_may_send(&cc, PAC, t);
	}
	CU_ASSERT(memcmp(&before, &cc, sizeof cc) == 0);
	CU_ASSERT_EQUAL(stopccrq(PNS), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PAC, PT_CTRL_STOPCCRP), PT_OK);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_STOPCCRP), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_ctrl_conn_may_send(&cc, PNS, PT_CTRL_OCRQ), PT_ESTATE);
	CU_ASSERT_EQUAL(stopccrp(PAC), PT_OK);
	for (uint16_t t = 1; t <= PT_CTRL_TYPE_MAX; t++) {
		int r1 = pt_ctrl_conn_may_send(&cc, PNS, t), r2 = pt_ctrl_conn_may_send(&cc, PAC, t);
		CU_ASSERT(r1 != PT_OK && r2 != PT_OK);
	}
}

/* ---- hostile: random message sequences never break the model ------------- */

static uint32_t lcg = 7;
static uint32_t rnd(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return lcg >> 8;
}

static void test_random_sequences(void)
{
	for (int run = 0; run < 50; run++) {
		reset();
		pt_ctrl_conn_set_midstream(&cc, run & 1);
		for (int i = 0; i < 400; i++) {
			pt_ctrl_msg m = msg((uint16_t)(1 + rnd() % PT_CTRL_TYPE_MAX));
			int dir = (int)(rnd() & 1), rc;
			/* small id space so that ids collide and match */
			m.u.ocrq.call_id = (uint16_t)(rnd() % 8);
			m.u.ocrp.peer_call_id = (uint16_t)(rnd() % 8);
			if (m.type == PT_CTRL_SCCRP || m.type == PT_CTRL_OCRP || m.type == PT_CTRL_ICRP)
				m.u.ocrp.result = (uint8_t)(1 + rnd() % 2);
			rc = feed(dir, &m, i);
			CU_ASSERT(rc == PT_OK || rc == PT_ESTATE);
			if (i % 50 == 0)
				pt_ctrl_conn_tick(&cc, (int64_t)i * 1000000, &sink, &at);
			/* invariants */
			{
				uint32_t live = 0;
				for (int k = 0; k < PT_CTRL_MAX_CALLS; k++)
					live += cc.calls[k].state != PT_CALL_FREE && cc.calls[k].state != PT_CALL_CLOSED;
				CU_ASSERT_EQUAL(live, cc.live_calls);
			}
		}
		pt_ctrl_conn_finish(&cc, &sink, &at);
	}
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("ctrl_fsm", NULL, NULL);
	UT_ADD(s, test_normal_session);
	UT_ADD(s, test_incoming_call);
	UT_ADD(s, test_refused_sccrq);
	UT_ADD(s, test_ocrq_before_sccrp);
	UT_ADD(s, test_second_sccrq);
	UT_ADD(s, test_unsolicited);
	UT_ADD(s, test_unknown_calls);
	UT_ADD(s, test_echo);
	UT_ADD(s, test_echo_timeout);
	UT_ADD(s, test_duplicate_call_id);
	UT_ADD(s, test_wrong_sender);
	UT_ADD(s, test_call_state);
	UT_ADD(s, test_stop_clears_calls);
	UT_ADD(s, test_finish);
	UT_ADD(s, test_eviction);
	UT_ADD(s, test_midstream);
	UT_ADD(s, test_pns_max_channels);
	UT_ADD(s, test_may_send);
	UT_ADD(s, test_random_sequences);
}
