package dev.chaostesting.internal.proxy;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * The epoll I/O handler with one bug of Netty 4.2.18 worked around. When a channel's interest set becomes empty (reading
 * paused for backpressure and the peer's FIN cleared {@code EPOLLRDHUP}), Netty deletes the descriptor from epoll but
 * keeps the registration marked "added"; the next change is then an {@code EPOLL_CTL_MOD} of a descriptor epoll no
 * longer has, which fails with ENOENT and kills the connection with bytes unread. Here an empty set is submitted as
 * {@code EPOLLET} alone instead: the descriptor stays registered, and edge-triggered mode reports a hang-up once rather
 * than forever, which is what the deletion was meant to prevent.
 */
final class EpollFix {

    private EpollFix() {}

    static IoHandlerFactory factory() {
        var delegate = EpollIoHandler.newFactory();
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new Handler(delegate.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return delegate.isChangingThreadSupported();
            }
        };
    }

    private static final class Handler implements IoHandler {
        private final IoHandler delegate;

        Handler(IoHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void initialize() {
            delegate.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            return delegate.run(context);
        }

        @Override
        public void prepareToDestroy() {
            delegate.prepareToDestroy();
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return new Registration(delegate.register(handle));
        }

        @Override
        public void wakeup() {
            delegate.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return delegate.isCompatible(handleType);
        }
    }

    private static final class Registration implements IoRegistration {
        private final IoRegistration delegate;

        Registration(IoRegistration delegate) {
            this.delegate = delegate;
        }

        @Override
        public <T> T attachment() {
            return delegate.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            var epollOps = (EpollIoOps) ops;
            return delegate.submit(epollOps.equals(EpollIoOps.NONE) ? EpollIoOps.EPOLLET : epollOps);
        }

        @Override
        public boolean isValid() {
            return delegate.isValid();
        }

        @Override
        public boolean cancel() {
            return delegate.cancel();
        }
    }
}
