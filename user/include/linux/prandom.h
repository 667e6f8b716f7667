/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: the seeded pseudo random generator.
 *
 * This is L'Ecuyer's combined Tausworthe generator LFSR113 with the seeding
 * rule the kernel uses, so a test given the same seed draws the same
 * numbers in the kernel and in user space.
 */
#ifndef __USER_LINUX_PRANDOM_H
#define __USER_LINUX_PRANDOM_H

#include <linux/compiler.h>
#include <linux/types.h>

struct rnd_state {
	__u32 s1, s2, s3, s4;
};

/* One component: shift register step with parameters (q, s, mask, k) */
static inline u32 __user_taus_step(u32 z, unsigned int q, unsigned int s,
				   u32 mask, unsigned int k)
{
	return ((z & mask) << k) ^ (((z << q) ^ z) >> s);
}

static inline u32 prandom_u32_state(struct rnd_state *state)
{
	state->s1 = __user_taus_step(state->s1, 6, 13, 0xfffffffeU, 18);
	state->s2 = __user_taus_step(state->s2, 2, 27, 0xfffffff8U, 2);
	state->s3 = __user_taus_step(state->s3, 13, 21, 0xfffffff0U, 7);
	state->s4 = __user_taus_step(state->s4, 3, 12, 0xffffff80U, 13);
	return state->s1 ^ state->s2 ^ state->s3 ^ state->s4;
}

/* Each component needs a seed of at least m */
static inline u32 __user_taus_seed(u32 x, u32 m)
{
	return x < m ? x + m : x;
}

static inline void prandom_seed_state(struct rnd_state *state, u64 seed)
{
	u32 i = (u32)((seed >> 32) ^ (seed << 10) ^ seed);

	state->s1 = __user_taus_seed(i, 2);
	state->s2 = __user_taus_seed(i, 8);
	state->s3 = __user_taus_seed(i, 16);
	state->s4 = __user_taus_seed(i, 128);
}

static inline void prandom_bytes_state(struct rnd_state *state, void *buf,
				       size_t nbytes)
{
	u8 *ptr = buf;

	while (nbytes) {
		u32 rnd = prandom_u32_state(state);
		size_t n = nbytes < 4 ? nbytes : 4;

		nbytes -= n;
		while (n--) {
			*ptr++ = (u8)rnd;
			rnd >>= 8;
		}
	}
}

#endif
