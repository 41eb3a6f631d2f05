/**
 * Publishes frames to a uWebSockets.js topic and remembers the last one, so the `duplicate`
 * fault can send it again. Shared by the venue personalities.
 */
import type { TemplatedApp } from 'uWebSockets.js';

export class TopicPublisher {
  /** Frames sent, by publish or directly by a personality (acks, pongs, snapshots). */
  messagesSent = 0;
  private lastTopic = '';
  private lastFrame = '';

  constructor(private readonly app: TemplatedApp) {}

  /** Sends `frame` to the topic's subscribers; a topic nobody listens to costs nothing. */
  publish(topic: string, frame: string): void {
    if (this.app.numSubscribers(topic) === 0) return;
    this.app.publish(topic, frame);
    this.messagesSent++;
    this.lastTopic = topic;
    this.lastFrame = frame;
  }

  /** The `duplicate` fault: the last published frame, once more. */
  duplicate(): void {
    if (this.lastTopic !== '') this.publish(this.lastTopic, this.lastFrame);
  }
}
